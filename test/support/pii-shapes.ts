import fc from "fast-check";

/**
 * What the agent must remove and what it must leave alone: a fixed table people can read, and
 * generators for the same shapes (fast-check) that the unit tests run through the masks as
 * JavaScript regular expressions and the end-to-end suite through the real collector.
 */

export interface Shape {
    kind: string;
    value: string;
}

/** Personal data, each in the forms agents record it. */
export const personalData: Shape[] = [
    { kind: "e-mail", value: "anna.petrova@example.com" },
    { kind: "e-mail, URL-encoded", value: "anna.petrova%40example.com" },
    { kind: "phone, international", value: "+7 912 345-67-89" },
    { kind: "phone, domestic with trunk 8", value: "8 (912) 345-67-89" },
    { kind: "phone, digits only", value: "89123456789" },
    { kind: "phone, URL-encoded", value: "%2B7%20912%20345-67-89" },
    { kind: "phone, form-encoded", value: "+7+912+345+67+89" },
    { kind: "phone, foreign", value: "+44 20 7946 0958" },
    { kind: "card, spaces", value: "4111 1111 1111 1111" },
    { kind: "card, dashes", value: "5500-0000-0000-0004" },
    { kind: "card, digits only", value: "340000000000009" },
    { kind: "credentials in a URL", value: "amqp://crm:s3cret@rabbitmq.crm.svc:5672/orders" },
];

/** Values a debugging engineer needs, exactly as sent. */
export const mustSurvive: Shape[] = [
    { kind: "order id", value: "4711-2026-1122" },
    { kind: "trace id", value: "4bf92f3577b34da6a3ce929d0e0e4736" },
    { kind: "span id", value: "00f067aa0ba902b7" },
    { kind: "UUID", value: "123e4567-e89b-12d3-a456-426614174000" },
    { kind: "ISO timestamp", value: "2026-12-01T03:45:51.123Z" },
    { kind: "timestamp with offset", value: "2026-12-01 06:45:51+03:00" },
    { kind: "epoch milliseconds", value: "1764561951123" },
    { kind: "price", value: "12 990.00 RUB" },
    { kind: "price", value: "1299.50" },
    { kind: "SKU", value: "RING-AU585-17.5" },
    { kind: "SKU, numeric", value: "SKU-000123456" },
    { kind: "SQL paging", value: "SELECT id FROM orders LIMIT 100 OFFSET 2000" },
    { kind: "internal address", value: "10.42.3.17" },
    { kind: "HTTP status", value: "503" },
    { kind: "duration", value: "1500ms" },
    { kind: "duration, ISO", value: "PT1.5S" },
];

/**
 * Decided, and in the README: a number of 13 to 19 digits starting 2 to 6 is masked as a possible
 * card number (RE2 cannot check Luhn), and 11 digits starting 7 or 8 as a Russian phone number,
 * wherever they stand but in order.id and user.id, which the agent sets and never masks.
 */
export const maskedOnPurpose: Shape[] = [
    { kind: "user id of 16 digits (card-shaped)", value: "4000123412341234" },
    { kind: "order id of 11 digits starting 8 (phone-shaped)", value: "89001234567" },
];

const digits = (min: number, max: number) =>
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(""));
const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
const lower = fc
    .array(fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789"), { minLength: 1, maxLength: 12 })
    .map((c) => c.join(""));

/** A generated piece of personal data and what it must become (the masks replace it with ****). */
export interface Planted {
    value: string;
    masked: string;
}

const whole = (value: string): Planted => ({ value, masked: "****" });

export const emailArb = fc
    .tuple(lower, pick("", ".", "_", "+"), lower, lower, pick("com", "ru", "org", "info"), pick("@", "%40"))
    .map(([a, s, b, d, tld, at]) => whole(`${a}${s}${b}${at}${d}.${tld}`));

export const russianPhoneArb = fc
    .tuple(
        pick("+7", "8", "7", "%2B7"),
        digits(3, 3),
        digits(3, 3),
        digits(2, 2),
        digits(2, 2),
        pick(" ", "-", "", "%20"),
        fc.boolean(),
    )
    .map(([trunk, area, a, b, c, sep, paren]) =>
        whole(`${trunk}${sep}${paren ? `(${area})` : area}${sep}${[a, b, c].join(sep === "%20" ? "-" : sep)}`),
    );

export const foreignPhoneArb = fc
    .tuple(fc.integer({ min: 1, max: 999 }), digits(9, 12), pick(" ", "-", ""))
    .map(([cc, rest, sep]) => whole(`+${cc}${sep}${rest.match(/.{1,3}/g)?.join(sep) ?? rest}`))
    .filter((p) => p.value.replace(/\D/g, "").length <= 15);

export const cardArb = fc
    .tuple(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 12, max: 18 }), pick(" ", "-", ""))
    .chain(([first, rest, sep]) =>
        digits(rest, rest).map((d) => whole(`${first}${d}`.match(/.{1,4}/g)?.join(sep) ?? "")),
    );

/** The scheme, host and path stay; user and password go. */
export const credentialsArb = fc
    .tuple(pick("https", "amqp", "postgres"), lower, lower, lower, lower)
    .map(([scheme, user, password, host, path]) => ({
        value: `${scheme}://${user}:${password}@${host}.svc/${path}`,
        masked: `${scheme}:****${host}.svc/${path}`,
    }));

export const personalDataArb = fc.oneof(emailArb, russianPhoneArb, foreignPhoneArb, cardArb, credentialsArb);

const hex = (length: number) =>
    fc
        .array(fc.constantFrom(..."0123456789abcdef"), { minLength: length, maxLength: length })
        .map((c) => c.join(""))
        // An id of decimal digits only is a number to a regular expression; a random 16-hex-digit id
        // is one in about 1,850 (and masked when card-shaped).
        .filter((s) => /[a-f]/.test(s));

export const mustSurviveArb = fc.oneof(
    hex(32),
    hex(16),
    fc.uuid(),
    fc
        .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T23:59:59Z"), noInvalidDate: true })
        .map((d) => d.toISOString()),
    fc
        .tuple(fc.integer({ min: 0, max: 9_999_999 }), fc.integer({ min: 0, max: 99 }))
        .map(([r, k]) => `${r.toLocaleString("en-US").replace(/,/g, " ")}.${String(k).padStart(2, "0")} RUB`),
    fc
        .tuple(pick("RING", "EARRING", "PENDANT"), pick("AU585", "AU750", "AG925"), fc.integer({ min: 14, max: 23 }))
        .map(([t, m, s]) => `${t}-${m}-${s}.5`),
    fc
        .tuple(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 999_999 }))
        .map(([l, o]) => `SELECT id FROM orders LIMIT ${l} OFFSET ${o}`),
    fc
        .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 }))
        .map(([a, b, c]) => `10.${a}.${b}.${c}`),
    fc.integer({ min: 100, max: 599 }).map(String),
    fc.integer({ min: 0, max: 600_000 }).map((ms) => `${ms}ms`),
    fc
        .tuple(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 99 }))
        .map(([a, b, c]) => `${a}-${b}-${c}`),
);
