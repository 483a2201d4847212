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

/** A team view's Jaeger (both roles in one) logs in as a user of its own. */
export const viewStorageUser = (view: string): string => `jaeger-view-${view}`;
const viewRole = (view: string): string => `jaeger_view_${view.replace(/-/g, "_")}`;

/** A team view and the prefix of its indices. */
export interface RealmView {
    name: string;
    indexPrefix: string;
}

interface RoleDescriptor {
    cluster: string[];
    indices: { names: string[]; privileges: string[] }[];
}

/** Every index Jaeger writes under a prefix: `<prefix>-jaeger-span-<date>` and the like. */
const jaegerIndices = (prefix: string): string => `${prefix}-jaeger-*`;

/**
 * roles.yml: every privilege limited to Jaeger's indices of one prefix. The all view's users reach
 * `<prefix>-jaeger-*` only, each team view's user its own view's indices, and the cleaner all of them.
 */
export function renderRoles(indexPrefix: string, views: RealmView[] = []): string {
    const names = [jaegerIndices(indexPrefix)];
    const roles: Record<string, RoleDescriptor> = {
        // Jaeger creates its index templates at start, then a daily index per kind on first write.
        jaeger_writer: {
            cluster: ["monitor", "manage_index_templates"],
            indices: [{ names, privileges: ["create_index", "write", "view_index_metadata"] }],
        },
        jaeger_reader: { cluster: ["monitor"], indices: [{ names, privileges: ["read", "view_index_metadata"] }] },
        // The cleaner lists Jaeger's indices and deletes those past retention.
        jaeger_index_cleaner: {
            cluster: ["monitor"],
            indices: [
                {
                    names: [...names, ...views.map((v) => jaegerIndices(v.indexPrefix))],
                    privileges: ["view_index_metadata", "monitor", "delete_index"],
                },
            ],
        },
    };
    for (const v of views)
        roles[viewRole(v.name)] = {
            cluster: ["monitor", "manage_index_templates"],
            indices: [
                {
                    names: [jaegerIndices(v.indexPrefix)],
                    privileges: ["create_index", "write", "read", "view_index_metadata"],
                },
            ],
        };
    return stringify(roles);
}

/** `users`: one `name:bcrypt-hash` line per user; `viewHashes` by view name. */
export function renderUsers(hashes: Record<StorageClient, string>, viewHashes: Record<string, string> = {}): string {
    return [
        ...storageClients.map((c) => `${storageUser[c]}:${hashes[c]}\n`),
        ...Object.entries(viewHashes).map(([view, hash]) => `${viewStorageUser(view)}:${hash}\n`),
    ].join("");
}

/** `users_roles`: one `role:user,user` line per role. */
export function renderUsersRoles(views: string[] = []): string {
    const byRole = new Map<string, string[]>();
    for (const c of storageClients)
        for (const role of rolesOf[c]) byRole.set(role, [...(byRole.get(role) ?? []), storageUser[c]]);
    for (const v of views) byRole.set(viewRole(v), [viewStorageUser(v)]);
    return [...byRole.entries()].map(([role, users]) => `${role}:${users.join(",")}\n`).join("");
}
