import { collectorText, ottlStringValue, regExp, splitTop } from "../policies/ottl";

/*
 * The OTTL reading client-address-not-stored and pii-scrubbed-before-export stand on, judged directly:
 * how the collector reads dollars, string literals with Go's escapes, RE2 patterns JavaScript can or
 * cannot check, and statements cut at their top-level separators. A wrong cut or literal here makes a
 * rule accept a statement the collector reads differently.
 */

describe("collectorText", () => {
    it("reads each $$ as one dollar, and leaves a single dollar alone", () => {
        expect(collectorText("a$$b$$c")).toBe("a$b$c");
        expect(collectorText("$$$$")).toBe("$$");
        expect(collectorText("${env:X} $")).toBe("${env:X} $");
    });
});

describe("regExp", () => {
    it("compiles a pattern RE2 and JavaScript read alike", () => {
        const r = regExp("^client\\.address$");
        expect(r?.test("client.address")).toBe(true);
        expect(r?.test("clientXaddress")).toBe(false);
    });

    it("is null for a pattern JavaScript cannot compile", () => {
        expect(regExp("[0-9")).toBeNull();
    });

    it("refuses an escape JavaScript does not know instead of reading it as a letter", () => {
        // Without the u flag JavaScript reads \z as "z" and \pL as "pL"; RE2 reads \z as end of text.
        expect(regExp("a\\z")).toBeNull();
        expect(regExp("\\pL")).toBeNull();
    });
});

describe("splitTop", () => {
    const comma = /,/;

    it("cuts at each separator and trims the parts", () => {
        expect(splitTop(" a , b,c ", comma)).toStrictEqual(["a", "b", "c"]);
        expect(splitTop("a", comma)).toStrictEqual(["a"]);
        expect(splitTop("", comma)).toStrictEqual([""]);
    });

    it("keeps empty parts between adjacent separators", () => {
        expect(splitTop("a,,b", comma)).toStrictEqual(["a", "", "b"]);
        expect(splitTop("a,", comma)).toStrictEqual(["a", ""]);
    });

    it("matches the separator where it stands, not further on", () => {
        expect(splitTop("ab,cd", comma)).toStrictEqual(["ab", "cd"]);
    });

    it("does not cut inside brackets of any kind", () => {
        expect(splitTop('f(a, b), m["k", 1], {x: 1, y: 2}, g', comma)).toStrictEqual([
            "f(a, b)",
            'm["k", 1]',
            "{x: 1, y: 2}",
            "g",
        ]);
        expect(splitTop("f(g(a, b), c), d", comma)).toStrictEqual(["f(g(a, b), c)", "d"]);
    });

    it("does not cut inside a string literal, escaped quotes and backslashes included", () => {
        expect(splitTop('"a,b", c', comma)).toStrictEqual(['"a,b"', "c"]);
        expect(splitTop('"a\\",b", c', comma)).toStrictEqual(['"a\\",b"', "c"]);
        expect(splitTop('"a\\\\", b', comma)).toStrictEqual(['"a\\\\"', "b"]);
        expect(splitTop('"a\\\nb,c", d', comma)).toStrictEqual(['"a\\\nb,c"', "d"]);
    });

    it("does not count brackets inside a string literal", () => {
        expect(splitTop('f(")"), g', comma)).toStrictEqual(['f(")")', "g"]);
        expect(splitTop('"(", g', comma)).toStrictEqual(['"("', "g"]);
    });

    it("is null when quotes or brackets do not balance", () => {
        expect(splitTop('"abc, d', comma)).toBeNull();
        expect(splitTop('"abc\\", d', comma)).toBeNull();
        expect(splitTop("f(a, b", comma)).toBeNull();
        expect(splitTop("a), (b", comma)).toBeNull();
        expect(splitTop("a]", comma)).toBeNull();
        expect(splitTop("a}", comma)).toBeNull();
    });

    it("cuts at a separator of several characters and continues after it", () => {
        const or = /\s+or\s+/;
        expect(splitTop("a or b  or  c", or)).toStrictEqual(["a", "b", "c"]);
        expect(splitTop("color or floor", or)).toStrictEqual(["color", "floor"]);
        expect(splitTop('(a or b) or c == "x or y"', or)).toStrictEqual(["(a or b)", 'c == "x or y"']);
    });

    it("ignores a separator that matches no text", () => {
        expect(splitTop("a b", /,*/)).toStrictEqual(["a b"]);
        expect(splitTop("a,b", /,*/)).toStrictEqual(["a", "b"]);
        expect(splitTop("(a)", /(?!)/)).toStrictEqual(["(a)"]);
    });
});

describe("ottlStringValue", () => {
    it("is the text between the quotes, the literal trimmed", () => {
        expect(ottlStringValue('"client.address"')).toBe("client.address");
        expect(ottlStringValue('  "a b"  ')).toBe("a b");
        expect(ottlStringValue('""')).toBe("");
    });

    it("reads Go's escapes the collector's configs use", () => {
        expect(ottlStringValue('"a\\"b"')).toBe('a"b');
        expect(ottlStringValue('"client\\\\.address"')).toBe("client\\.address");
        expect(ottlStringValue('"\\n\\r\\t"')).toBe("\n\r\t");
    });

    it("reads $$ as the collector does, before the literal", () => {
        expect(ottlStringValue('"a$$b"')).toBe("a$b");
    });

    it("is null for an escape it does not know", () => {
        expect(ottlStringValue('"\\x41"')).toBeNull();
        expect(ottlStringValue('"a\\.b"')).toBeNull();
        expect(ottlStringValue('"a\\\nb"')).toBeNull();
    });

    it("is null for anything but one string literal", () => {
        expect(ottlStringValue("client.address")).toBeNull();
        expect(ottlStringValue('"a" "b"')).toBeNull();
        expect(ottlStringValue('"a"b"')).toBeNull();
        expect(ottlStringValue('x"a"')).toBeNull();
        expect(ottlStringValue('"a"x')).toBeNull();
        expect(ottlStringValue('"a\\"')).toBeNull();
        expect(ottlStringValue("span.attributes")).toBeNull();
    });
});
