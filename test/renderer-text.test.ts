import { parse } from "yaml";
import { escapeCollectorDollars, ottlAttribute, ottlString } from "../renderers/escape";
import { toGoYaml } from "../renderers/yaml";

describe("text the collector and Jaeger read back as written", () => {
    it("doubles every $ so the collector's ${...} expansion leaves a regular expression's anchor alone", () => {
        expect(escapeCollectorDollars("^/orders/(\\d+)$")).toBe("^/orders/(\\d+)$$");
        expect(escapeCollectorDollars("${env:SECRET} $$")).toBe("$${env:SECRET} $$$$");
        expect(escapeCollectorDollars("no dollar")).toBe("no dollar");
    });

    it("quotes an OTTL string with its backslashes, quotes and dollars escaped", () => {
        expect(ottlString('a"b\\c$')).toBe('"a\\"b\\\\c$$"');
        expect(ottlString("x-order-id")).toBe('"x-order-id"');
        expect(ottlAttribute("http.request.header.x-order-id")).toBe(
            'span.attributes["http.request.header.x-order-id"]',
        );
        expect(ottlAttribute("k8s.pod.name", "resource")).toBe('resource.attributes["k8s.pod.name"]');
    });

    it("quotes the strings YAML 1.1 would read as booleans or timestamps, and never folds a long line", () => {
        const values = { a: "on", b: "yes", c: "2006-01-02", d: "off", e: "x".repeat(200) + " " + "y".repeat(200) };
        const text = toGoYaml(values);
        expect(parse(text, { version: "1.1" })).toEqual(values);
        expect(text.split("\n").filter((l) => l.length > 0)).toHaveLength(5);
    });
});
