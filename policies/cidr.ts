/** IPv4 CIDR arithmetic for source-range checks. */
function parse(cidr: string): { base: number; bits: number } | null {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
    if (m === null) return null;
    const octets = m.slice(1, 5).map(Number);
    const bits = Number(m[5]);
    if (octets.some((o) => o > 255) || bits > 32) return null;
    const ip = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return { base: (ip & mask) >>> 0, bits };
}

/** Whether `inner` lies entirely inside `outer`. Unparseable ranges are never inside anything. */
export function cidrWithin(inner: string, outer: string): boolean {
    const i = parse(inner);
    const o = parse(outer);
    if (i === null || o === null || i.bits < o.bits) return false;
    const mask = o.bits === 0 ? 0 : (~0 << (32 - o.bits)) >>> 0;
    return (i.base & mask) >>> 0 === o.base;
}

export const withinAny = (inner: string, outers: string[]): boolean => outers.some((o) => cidrWithin(inner, o));
