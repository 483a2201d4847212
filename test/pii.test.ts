import fc from "fast-check";
import {
    addressInTextPatterns,
    addressPatterns,
    addressReplacements,
    maskPattern,
    redactionConfig,
    scrubGroups,
    unscannablePattern,
} from "../renderers/pii";
import { parseStackConfig } from "../config/config";
import { requiredConfig } from "./support/minimal-config";
import {
    credentialsArb,
    maskedOnPurpose,
    mustSurvive,
    mustSurviveArb,
    personalData,
    personalDataArb,
} from "./support/pii-shapes";

/**
 * The default masks as the collector applies them (replace every match, leftmost first), run here
 * as JavaScript regular expressions: for these patterns (ASCII classes, \b, alternation, counted
 * repetition) JavaScript and Go's RE2 match alike. The end-to-end suite runs the same shapes through
 * the real collector (test/e2e/pii.test.ts).
 */
const pii = parseStackConfig(requiredConfig).pii;
const mask = new RegExp(maskPattern(pii), "g");
const scrub = (text: string): string => text.replace(mask, "****");
const unscannable = new RegExp(unscannablePattern(pii) ?? "(?!)");
/** The rendered replacements, Go's `${1}` written as JavaScript's `$1`. */
const js = (replacement: string): string => replacement.replace(/\$\{(\d)\}/g, "$$$1");
const truncate = (value: string, p: { ipv4: string; ipv6: string }): string =>
    value
        .replace(new RegExp(p.ipv4, "g"), js(addressReplacements.ipv4))
        .replace(new RegExp(p.ipv6, "g"), js(addressReplacements.ipv6));

describe("the default masks", () => {
    it.each(personalData.map((s) => [s.kind, s.value]))("mask %s (%s) inside text", (_, value) => {
        const masked = value.startsWith("amqp://") ? "amqp:****rabbitmq.crm.svc:5672/orders" : "****";
        expect(scrub(`note: ${value} end`)).toBe(`note: ${masked} end`);
    });

    it.each(mustSurvive.map((s) => [s.kind, s.value]))("leave the %s %s as it is", (_, value) => {
        expect(scrub(`note: ${value} end`)).toBe(`note: ${value} end`);
    });

    it.each(maskedOnPurpose.map((s) => [s.kind, s.value]))("mask a %s (%s): decided, see the README", (_, value) => {
        expect(scrub(value)).toBe("****");
    });

    it("mask the user and password of a URL, not its scheme, host or path", () => {
        fc.assert(fc.property(credentialsArb, (p) => scrub(p.value) === p.masked));
    });

    it("mask generated personal data of every shape, and only it", () => {
        fc.assert(
            fc.property(
                personalDataArb,
                fc.constantFrom("", "tel: ", "customer ", "q="),
                fc.constantFrom("", " end", "&x=1", ", thanks"),
                (p, before, after) => {
                    expect(scrub(`${before}${p.value}${after}`)).toBe(`${before}${p.masked}${after}`);
                },
            ),
            { numRuns: 3000 },
        );
    });

    it("leave generated ids, timestamps, prices, SKUs, paging, addresses, statuses and durations alone", () => {
        fc.assert(
            fc.property(mustSurviveArb, (value) => {
                expect(scrub(`note: ${value} end`)).toBe(`note: ${value} end`);
            }),
            { numRuns: 3000 },
        );
    });
});

describe("the statements for what redaction does not visit", () => {
    it("mask span names, status messages and event names, each guarded by a look at its own field", () => {
        const [spans, events] = scrubGroups(pii);
        const guard = unscannablePattern(pii) ?? "";
        const q = (t: string): string => JSON.stringify(t.replace(/\$/g, "$$$$"));
        expect(spans).toEqual({
            context: "span",
            statements: [
                `replace_pattern(span.name, ${q(maskPattern(pii))}, "****") where not IsMatch(span.name, ${q(guard)})`,
                `replace_pattern(span.status.message, ${q(maskPattern(pii))}, "****") where span.status.message != "" and not IsMatch(span.status.message, ${q(guard)})`,
            ],
        });
        expect(events).toEqual({
            context: "spanevent",
            statements: [
                `replace_pattern(spanevent.name, ${q(maskPattern(pii))}, "****") where not IsMatch(spanevent.name, ${q(guard)})`,
            ],
        });
    });
});

describe("values let through unscanned", () => {
    it("never include one a mask matches (any string)", () => {
        fc.assert(
            fc.property(fc.string({ unit: fc.constantFrom(..."0123456789 +-()@%.:/abcAB"), maxLength: 60 }), (text) => {
                if (new RegExp(maskPattern(pii)).test(text)) expect(unscannable.test(text)).toBe(false);
            }),
            { numRuns: 5000 },
        );
    });

    it("never include generated personal data", () => {
        fc.assert(
            fc.property(personalDataArb, (p) => !unscannable.test(p.value)),
            { numRuns: 2000 },
        );
    });

    it("include short values without digits, '@' or '%' (the common case the scan is spared)", () => {
        for (const v of ["GET", "shop-api", "okey-dokey-0", "10.42.3.17", "POST /orders/:id", "503"])
            expect(unscannable.test(v)).toBe(true);
    });

    it("is every value when a mask has no clues: nothing is skipped that could match", () => {
        const custom = { ...pii, masks: [...pii.masks, { name: "passport", pattern: "[0-9]{4} [0-9]{6}" }] };
        expect(unscannablePattern(custom)).toBeUndefined();
        expect(redactionConfig(custom, []).allowed_values).toBeUndefined();
        expect(JSON.stringify(scrubGroups(custom))).not.toContain("IsMatch");
    });

    it("follow a custom mask's clues", () => {
        const custom = { ...pii, masks: [{ name: "inn", pattern: "INN ?[0-9]{10}", clues: { text: ["INN"] } }] };
        const skip = new RegExp(unscannablePattern(custom) ?? "");
        expect(skip.test("order 1234567890")).toBe(true);
        expect(skip.test("INN 7701234567")).toBe(false);
    });
});

describe("the customer's address", () => {
    it.each([
        ["203.0.113.77", "203.0.113.0"],
        ["::ffff:203.0.113.77", "::ffff:203.0.113.0"],
        ["2001:db8:85a3:0:0:8a2e:370:7334", "2001:db8:85a3::"],
        ["2001:db8:85a3::8a2e:370:7334", "2001:db8:85a3::"],
        ["2001:db8::1", "2001:db8::"],
        ["fe80::1", "fe80::"],
        ["::1", "::1"],
        ["shop.example.com", "shop.example.com"],
    ])("truncates %s to %s in an address field", (value, truncated) => {
        expect(truncate(value, addressPatterns)).toBe(truncated);
        // Twice is the same as once: a restarted pipeline does not truncate further.
        expect(truncate(truncated, addressPatterns)).toBe(truncated);
    });

    it("truncates every address in a forwarding header", () => {
        expect(truncate("203.0.113.77, 10.0.0.12", addressInTextPatterns)).toBe("203.0.113.0, 10.0.0.0");
        expect(truncate('for=192.0.2.60;proto=http;by="[2001:db8:cafe::17]"', addressInTextPatterns)).toBe(
            'for=192.0.2.0;proto=http;by="[2001:db8:cafe::]"',
        );
    });

    it("is handled on server spans only, in the configured way", () => {
        const groups = (mode: "truncate" | "drop" | "keep") =>
            scrubGroups({ ...pii, clientAddress: mode }).filter((g) => g.conditions !== undefined);
        expect(groups("truncate")).toHaveLength(2);
        for (const g of groups("truncate")) {
            expect(g.context).toBe("span");
            expect(g.conditions).toHaveLength(1);
            expect(g.conditions?.[0]).toMatch(/^span\.kind == SPAN_KIND_SERVER( and \(.* != nil( or .* != nil)+\))?$/);
        }
        expect(JSON.stringify(groups("truncate"))).toContain('span.attributes[\\"client.address\\"]');
        expect(groups("drop")).toEqual([
            {
                context: "span",
                conditions: ["span.kind == SPAN_KIND_SERVER"],
                statements: [
                    expect.stringMatching(
                        /^delete_matching_keys\(span\.attributes, "\^\(\?:client\\\\\.address\|.*x-forwarded-for.*\)\$\$"\)$/,
                    ),
                ],
            },
        ]);
        expect(groups("keep")).toEqual([]);
    });
});
