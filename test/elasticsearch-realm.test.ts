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
            for (const i of role.indices) expect(i.names).toEqual(["jaeger-jaeger-*"]);
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

    describe("with team views", () => {
        const views = [
            { name: "shop", indexPrefix: "tracing-shop" },
            { name: "order-desk", indexPrefix: "tracing-order-desk" },
        ];
        const withViews = parse(renderRoles("tracing", views)) as typeof roles;
        const namesOf = (role: string): string[] => withViews[role].indices.flatMap((i) => i.names);

        it("keeps the all view's users to the all view's indices, not a team view's (tracing-* would cover tracing-shop-*)", () => {
            for (const role of ["jaeger_writer", "jaeger_reader"]) expect(namesOf(role)).toEqual(["tracing-jaeger-*"]);
        });

        it("gives each view's user its own indices only, to write and read", () => {
            expect(namesOf("jaeger_view_shop")).toEqual(["tracing-shop-jaeger-*"]);
            expect(namesOf("jaeger_view_order_desk")).toEqual(["tracing-order-desk-jaeger-*"]);
            expect(withViews.jaeger_view_shop.indices.flatMap((i) => i.privileges)).toEqual(
                expect.arrayContaining(["create_index", "write", "read"]),
            );
            expect(withViews.jaeger_view_shop.indices.flatMap((i) => i.privileges)).not.toContain("delete_index");
        });

        it("lets the cleaner delete old indices of every view", () => {
            expect(namesOf("jaeger_index_cleaner")).toEqual([
                "tracing-jaeger-*",
                "tracing-shop-jaeger-*",
                "tracing-order-desk-jaeger-*",
            ]);
        });

        it("adds one user per view, mapped to its view's role only", () => {
            const hashes = Object.fromEntries(storageClients.map((c) => [c, "h"])) as Record<
                (typeof storageClients)[number],
                string
            >;
            expect(renderUsers(hashes, { shop: "$2a$10$s" })).toContain("\njaeger-view-shop:$2a$10$s\n");
            expect(renderUsersRoles(["shop", "order-desk"])).toContain(
                "jaeger_view_shop:jaeger-view-shop\njaeger_view_order_desk:jaeger-view-order-desk\n",
            );
        });
    });
});
