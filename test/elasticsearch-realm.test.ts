import { parse } from "yaml";
import {
    renderRoles,
    renderUsers,
    renderUsersRoles,
    storageClients,
    storageUser,
} from "../renderers/elasticsearch-realm";

describe("Elasticsearch file realm for Jaeger and the index cleaner", () => {
    const roles = parse(renderRoles("jaeger")) as Record<
        string,
        { cluster: string[]; indices: { names: string[]; privileges: string[] }[] }
    >;
    const privileges = (role: string): string[] => roles[role].indices.flatMap((i) => i.privileges);

    it("confines every role to Jaeger's indices, with no cluster-wide or all-index power", () => {
        for (const role of Object.values(roles)) {
            for (const i of role.indices) expect(i.names).toEqual(["jaeger-*"]);
            expect(role.cluster.filter((c) => c === "all" || c === "manage" || c === "manage_security")).toEqual([]);
            expect(role.indices.flatMap((i) => i.privileges)).not.toContain("all");
        }
    });

    it("lets the writer only write, the reader only read, the cleaner only delete old indices", () => {
        expect(privileges("jaeger_writer")).toEqual(expect.arrayContaining(["create_index", "write"]));
        expect(privileges("jaeger_writer")).not.toEqual(expect.arrayContaining(["delete_index"]));
        expect(privileges("jaeger_reader")).toContain("read");
        expect(
            privileges("jaeger_reader").filter((p) => ["write", "create_index", "delete_index"].includes(p)),
        ).toEqual([]);
        expect(privileges("jaeger_index_cleaner")).toContain("delete_index");
        expect(privileges("jaeger_index_cleaner").filter((p) => ["read", "write"].includes(p))).toEqual([]);
    });

    it("writes the users and role mapping files in Elasticsearch's format", () => {
        const hashes = Object.fromEntries(storageClients.map((c) => [c, `$2a$10$${c}`])) as Record<
            (typeof storageClients)[number],
            string
        >;
        expect(renderUsers(hashes).trim().split("\n")).toEqual(
            storageClients.map((c) => `${storageUser[c]}:$2a$10$${c}`),
        );
        expect(renderUsersRoles()).toBe(
            "jaeger_writer:jaeger-writer,jaeger\njaeger_reader:jaeger-reader,jaeger\njaeger_index_cleaner:jaeger-index-cleaner\n",
        );
    });
});
