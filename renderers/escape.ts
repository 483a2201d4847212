/**
 * The collector expands `${...}` in every string of its configuration and reads `$$` as a literal
 * `$`. Text we do not control (regular expressions from the stack config) goes through this so an
 * end-of-line anchor survives.
 */
export function escapeCollectorDollars(text: string): string {
    return text.replace(/\$/g, "$$$$");
}

/** A string literal for an OTTL statement: backslashes and quotes escaped. */
export function ottlString(text: string): string {
    return `"${escapeCollectorDollars(text).replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** An OTTL attribute path, e.g. span.attributes["http.request.header.x-order-id"]. */
export function ottlAttribute(key: string, context = "span"): string {
    return `${context}.attributes[${ottlString(key)}]`;
}
