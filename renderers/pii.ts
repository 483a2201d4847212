import type { PiiConfig } from "../config/schema";
import type { RedactionConfig, StatementGroup } from "./collector-types";
import { escapeCollectorDollars, ottlAttribute, ottlString } from "./escape";

/**
 * Personal data in every string a span carries, at a bounded cost per span:
 *
 * - redaction/pii masks attribute values of every type in the resource, the scope, the span and
 *   its events (one combined pattern, one pass per value), skipping values that hold none of the
 *   masks' clues;
 * - transform/scrub_pii masks what redaction does not visit (span name, status message, event
 *   names) and truncates or drops the customer's address on server spans.
 *
 * Link attributes cannot be reached by either processor at the pinned collector (OTTL has no span
 * link context: opentelemetry-collector-contrib#26660); Jaeger's Elasticsearch storage keeps a link's
 * trace and span id only, never its attributes (README, "Personal data").
 */

/** All masks as one RE2 alternation, in their order: the leftmost match wins, one scan per value. */
export function maskPattern(pii: PiiConfig): string {
    return pii.masks.length === 1 ? pii.masks[0].pattern : pii.masks.map((m) => `(?:${m.pattern})`).join("|");
}

/** RE2 character-class escaping for one character. */
function classChar(c: string): string {
    return /[\\\][^-]/.test(c) ? `\\${c}` : c;
}

/**
 * An anchored RE2 pattern that matches exactly the values no mask can match, judged by the masks'
 * clues: none of their strings (by first character, which errs towards scanning) and fewer digits
 * than the fewest any mask needs. Undefined when a mask has no clues: then every value is scanned.
 */
export function unscannablePattern(pii: PiiConfig): string | undefined {
    if (pii.masks.some((m) => m.clues === undefined)) return undefined;
    const chars = [...new Set(pii.masks.flatMap((m) => (m.clues?.text ?? []).map((t) => t[0])))];
    // A mask with both kinds of clue may match on either: its characters and its digits both count.
    const minDigits = Math.min(...pii.masks.flatMap((m) => (m.clues?.digits === undefined ? [] : [m.clues.digits])));
    const other = `[^${chars.map(classChar).join("")}${Number.isFinite(minDigits) ? "0-9" : ""}]*`;
    return !Number.isFinite(minDigits) || minDigits <= 1
        ? `^${other}$`
        : `^${other}(?:[0-9]${other}){0,${minDigits - 1}}$`;
}

/** Attributes the agent sets or keeps on purpose: they stay searchable whatever they look like. */
export function unmaskedKeys(ids: { orderIdKeys: string[]; userIdKeys: string[] }): string[] {
    return ["order.id", "user.id", "service.name", ...ids.orderIdKeys, ...ids.userIdKeys];
}

export function redactionConfig(pii: PiiConfig, keepKeys: string[]): RedactionConfig {
    const skip = unscannablePattern(pii);
    return {
        allow_all_keys: true,
        // Captured headers arrive as lists, and numbers can hold a card number: every type is scanned.
        redact_all_types: true,
        blocked_values: [escapeCollectorDollars(maskPattern(pii))],
        // Values that cannot hold a match are let through unscanned; the scan is most of the cost.
        ...(skip === undefined ? {} : { allowed_values: [escapeCollectorDollars(skip)] }),
        ignored_keys: keepKeys,
        summary: pii.summary,
    };
}

/**
 * Where the customer's address is on a server span: the semantic conventions' client address (and
 * their older names), the immediate peer, and the forwarding headers when an agent captures them.
 */
export const clientAddressKeys = [
    "client.address",
    "http.client_ip",
    "network.peer.address",
    "net.peer.ip",
    "net.sock.peer.addr",
] as const;
export const forwardingHeaders = ["x-forwarded-for", "forwarded", "x-real-ip"] as const;

function headerKeys(header: string): string[] {
    return [...new Set([`http.request.header.${header}`, `http.request.header.${header.replace(/-/g, "_")}`])];
}

/** IPv4 (also mapped into IPv6, as Node.js reports it on a dual-stack socket): the last octet becomes 0 (/24). */
const ipv4 = "((?:::ffff:)?[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.)[0-9]{1,3}";
/**
 * IPv6: everything after the first 48 bits becomes `::`. Three leading groups written out, or a `::`
 * within them (then what precedes it is kept, which may keep less than 48 bits: never more).
 */
const ipv6 =
    "(?:([0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}):[0-9A-Fa-f:.]*[0-9A-Fa-f]|((?:[0-9A-Fa-f]{1,4}:){0,2}[0-9A-Fa-f]{1,4})::[0-9A-Fa-f:.]*[0-9A-Fa-f])";
/** What a match becomes (Go's regexp.Expand syntax): the kept network, host part zeroed or cut. */
export const addressReplacements = { ipv4: "${1}0", ipv6: "${1}${2}::" };

/** The address fields hold one address: an anchored pattern fails at once on anything else. */
export const addressPatterns = { ipv4: `^${ipv4}$`, ipv6: `^${ipv6}$` };
/** A forwarding header holds a list of addresses among other text (`for=…;proto=…`). */
export const addressInTextPatterns = { ipv4: `\\b${ipv4}\\b`, ipv6: `\\b${ipv6}` };

function truncateStatements(path: string, patterns: { ipv4: string; ipv6: string }): string[] {
    return [
        `replace_pattern(${path}, ${ottlString(patterns.ipv4)}, ${ottlString(addressReplacements.ipv4)})`,
        `replace_pattern(${path}, ${ottlString(patterns.ipv6)}, ${ottlString(addressReplacements.ipv6)})`,
    ];
}

/**
 * On server spans only: a client span's peer is one of ours (a database, RabbitMQ) and stays. Every
 * statement and every group costs on every span it runs on, so the forwarding headers, which agents
 * capture only when told to, are handled in a group that runs only where one of them is.
 */
function clientAddressGroups(mode: PiiConfig["clientAddress"]): StatementGroup[] {
    const server = "span.kind == SPAN_KIND_SERVER";
    const headers = forwardingHeaders.flatMap(headerKeys);
    if (mode === "keep") return [];
    if (mode === "drop") {
        const names = [...clientAddressKeys, ...headers].map((k) => k.replace(/[.]/g, "\\."));
        return [
            {
                context: "span",
                conditions: [server],
                statements: [`delete_matching_keys(span.attributes, ${ottlString(`^(?:${names.join("|")})$`)})`],
            },
        ];
    }
    const present = headers.map((k) => `${ottlAttribute(k)} != nil`).join(" or ");
    return [
        {
            context: "span",
            conditions: [server],
            statements: clientAddressKeys.flatMap((k) => truncateStatements(ottlAttribute(k), addressPatterns)),
        },
        {
            context: "span",
            conditions: [`${server} and (${present})`],
            statements: headers.flatMap((k) => {
                const path = ottlAttribute(k);
                // A captured header is a list of values: one string to truncate in.
                return [
                    `set(${path}, String(${path})) where IsList(${path})`,
                    ...truncateStatements(path, addressInTextPatterns),
                ];
            }),
        },
    ];
}

/** The text no redaction reaches: span name, status message, event names; and the client's address. */
export function scrubGroups(pii: PiiConfig): StatementGroup[] {
    const mask = ottlString(maskPattern(pii));
    const skip = unscannablePattern(pii);
    const unless = (path: string): string =>
        skip === undefined ? "" : ` where not IsMatch(${path}, ${ottlString(skip)})`;
    const groups: StatementGroup[] = [
        {
            context: "span",
            statements: [
                `replace_pattern(span.name, ${mask}, "****")${unless("span.name")}`,
                `replace_pattern(span.status.message, ${mask}, "****") where span.status.message != ""${skip === undefined ? "" : ` and not IsMatch(span.status.message, ${ottlString(skip)})`}`,
            ],
        },
        {
            context: "spanevent",
            statements: [`replace_pattern(spanevent.name, ${mask}, "****")${unless("spanevent.name")}`],
        },
    ];
    return [...groups, ...clientAddressGroups(pii.clientAddress)];
}
