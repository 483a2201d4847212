import { stringify } from "yaml";

/**
 * Least-privilege Elasticsearch users for Jaeger and the index cleaner, in Elasticsearch's file
 * realm (`roles.yml`, `users`, `users_roles` in its config directory): nobody but the bootstrap
 * process logs in as the `elastic` superuser.
 */
export type StorageClient = "collector" | "query" | "combined" | "cleaner";

export const storageClients: StorageClient[] = ["collector", "query", "combined", "cleaner"];

/** The user each client logs in as. */
export const storageUser: Record<StorageClient, string> = {
    collector: "jaeger-writer",
    query: "jaeger-reader",
    combined: "jaeger",
    cleaner: "jaeger-index-cleaner",
};

type Role = "jaeger_writer" | "jaeger_reader" | "jaeger_index_cleaner";

/** What each client may do: the collector writes spans, query reads them, the cleaner deletes old indices. */
const rolesOf: Record<StorageClient, Role[]> = {
    collector: ["jaeger_writer"],
    query: ["jaeger_reader"],
    // One Jaeger serving both roles (dev) both writes and reads.
    combined: ["jaeger_writer", "jaeger_reader"],
    cleaner: ["jaeger_index_cleaner"],
};

interface RoleDescriptor {
    cluster: string[];
    indices: { names: string[]; privileges: string[] }[];
}

/** roles.yml: every privilege limited to Jaeger's indices (`<prefix>-*`). */
export function renderRoles(indexPrefix: string): string {
    const names = [`${indexPrefix}-*`];
    const roles: Record<Role, RoleDescriptor> = {
        // Jaeger creates its index templates at start, then a daily index per kind on first write.
        jaeger_writer: {
            cluster: ["monitor", "manage_index_templates"],
            indices: [{ names, privileges: ["create_index", "write", "view_index_metadata"] }],
        },
        jaeger_reader: { cluster: ["monitor"], indices: [{ names, privileges: ["read", "view_index_metadata"] }] },
        // The cleaner lists Jaeger's indices and deletes those past retention.
        jaeger_index_cleaner: {
            cluster: ["monitor"],
            indices: [{ names, privileges: ["view_index_metadata", "monitor", "delete_index"] }],
        },
    };
    return stringify(roles);
}

/** `users`: one `name:bcrypt-hash` line per user. */
export function renderUsers(hashes: Record<StorageClient, string>): string {
    return storageClients.map((c) => `${storageUser[c]}:${hashes[c]}\n`).join("");
}

/** `users_roles`: one `role:user,user` line per role. */
export function renderUsersRoles(): string {
    const byRole = new Map<Role, string[]>();
    for (const c of storageClients)
        for (const role of rolesOf[c]) byRole.set(role, [...(byRole.get(role) ?? []), storageUser[c]]);
    return [...byRole.entries()].map(([role, users]) => `${role}:${users.join(",")}\n`).join("");
}
