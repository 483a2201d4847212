/** Reading OTTL statements and the patterns in collector configurations, as far as the rules need. */

/** The collector reads `$$` in its configuration as `$` (renderers/escape.ts escapeCollectorDollars). */
export const collectorText = (s: string): string => s.replace(/\$\$/g, "$");

/**
 * An RE2 pattern as a JavaScript regular expression, null when JavaScript cannot compile it. The `u`
 * flag keeps JavaScript as strict as RE2 about escapes: an escape JavaScript does not know is refused
 * rather than read as a plain letter (`\\pL`, `\\z`).
 */
export function regExp(pattern: string): RegExp | null {
    try {
        return new RegExp(pattern, "u");
    } catch {
        return null;
    }
}

/**
 * `text` cut at each top-level match of `separator` (outside string literals and brackets); null
 * when its brackets or quotes do not balance.
 */
export function splitTop(text: string, separator: RegExp): string[] | null {
    const sep = new RegExp(separator.source, "y");
    const parts: string[] = [];
    let depth = 0;
    let start = 0;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === '"') {
            const end = /^"(?:[^"\\]|\\[\s\S])*"/.exec(text.slice(i));
            if (end === null) return null;
            i += end[0].length - 1;
        } else if ("([{".includes(c)) depth++;
        else if (")]}".includes(c)) {
            if (--depth < 0) return null;
        } else if (depth === 0) {
            sep.lastIndex = i;
            const m = sep.exec(text);
            if (m !== null && m[0].length > 0) {
                parts.push(text.slice(start, i));
                start = i + m[0].length;
                i = start - 1;
            }
        }
    }
    return depth === 0 ? [...parts, text.slice(start)].map((t) => t.trim()) : null;
}

/** The value of an OTTL string literal (Go's escapes the collector's configs use); null for anything else. */
export function ottlStringValue(literal: string): string | null {
    const m = /^"((?:[^"\\]|\\[\s\S])*)"$/.exec(collectorText(literal.trim()));
    if (m === null) return null;
    const escapes: Record<string, string> = { "\\": "\\", '"': '"', n: "\n", r: "\r", t: "\t" };
    let ok = true;
    const value = m[1].replace(/\\([\s\S])/g, (_e, c: string) => {
        if (!(c in escapes)) ok = false;
        return escapes[c] ?? "";
    });
    return ok ? value : null;
}
