import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";

/**
 * Webhook targets must not reach the inside of the network Driftline runs in
 * (server-side request forgery: cloud metadata at 169.254.169.254, the
 * database, admin ports on loopback). A target is refused when it is an
 * internal address, `localhost`, or a name that resolves to one — at creation
 * and again at every delivery, since DNS answers change.
 * DRIFTLINE_ALLOW_PRIVATE_WEBHOOKS=1 lifts the rule (on-premise receivers, tests).
 */

const INTERNAL = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8], // RFC 1918
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12], // RFC 1918
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.168.0.0", 16], // RFC 1918
  ["198.18.0.0", 15], // benchmarking
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  INTERNAL.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated, still routed inside some networks)
  ["ff00::", 8], // multicast
] as const) {
  INTERNAL.addSubnet(network, prefix, "ipv6");
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted quad is folded in). */
function ipv6Groups(address: string): number[] | null {
  let text = address.toLowerCase();
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const missing = 8 - left.length - right.length;
  if (text.includes("::") ? missing < 1 : missing !== 0) return null;
  const groups = [...left, ...Array<string>(text.includes("::") ? missing : 0).fill("0"), ...right].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

/** The IPv4 address an IPv6 address carries (IPv4-mapped ::ffff:0:0/96, IPv4-compatible, NAT64 64:ff9b::/96), if any. */
function embeddedIpv4(address: string): string | null {
  const g = ipv6Groups(address);
  if (!g) return null;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  const mapped = zeros(0, 5) && g[5] === 0xffff;
  const compatible = zeros(0, 6) && (g[6] !== 0 || g[7]! > 1);
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6);
  if (!mapped && !compatible && !nat64) return null;
  return [g[6]! >> 8, g[6]! & 255, g[7]! >> 8, g[7]! & 255].join(".");
}

/** Whether an IP address (v4 or v6, without brackets) is loopback, private, link-local or otherwise not public. */
export function isInternalAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = isIP(bare);
  if (family === 4) return INTERNAL.check(bare, "ipv4");
  if (family !== 6) return true; // not an address at all: refuse rather than guess
  const v4 = embeddedIpv4(bare);
  if (v4) return INTERNAL.check(v4, "ipv4");
  return INTERNAL.check(bare, "ipv6");
}

export function privateWebhooksAllowed(): boolean {
  const value = process.env.DRIFTLINE_ALLOW_PRIVATE_WEBHOOKS?.trim().toLowerCase();
  return value === "1" || value === "true";
}

type Resolver = (hostname: string) => Promise<string[]>;

const resolveAll: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses: LookupAddress[]) =>
      error ? reject(error) : resolve(addresses.map((a) => a.address)),
    ),
  );

/**
 * Why a URL may not receive webhooks, or null when it may. A name that does
 * not resolve (yet) is not refused at creation — nothing is sent to it, and
 * delivery checks again — but one that resolves to any internal address is.
 */
export async function webhookTargetProblem(
  raw: string,
  options: { allowPrivate?: boolean; resolve?: Resolver; requireResolution?: boolean } = {},
): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "must be an http(s) URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must be an http(s) URL";
  if (url.username || url.password) return "must not carry credentials in the URL";
  if (options.allowPrivate ?? privateWebhooksAllowed()) return null;
  const host = url.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
  const internal = "must not point to an internal address (loopback, private, link-local); set DRIFTLINE_ALLOW_PRIVATE_WEBHOOKS=1 to allow it";
  if (host === "localhost" || host.endsWith(".localhost")) return internal;
  if (isIP(host)) return isInternalAddress(host) ? internal : null;
  let addresses: string[];
  try {
    addresses = await (options.resolve ?? resolveAll)(host);
  } catch {
    return options.requireResolution ? `host ${host} does not resolve` : null;
  }
  if (addresses.some(isInternalAddress)) {
    return "resolves to an internal address (loopback, private, link-local); set DRIFTLINE_ALLOW_PRIVATE_WEBHOOKS=1 to allow it";
  }
  return null;
}

/**
 * A `lookup` for node:http(s) that refuses internal answers, so the address
 * the connection uses is the one that was checked (no window for a DNS
 * answer to change between the check and the connect).
 */
export function guardedLookup(allowPrivate: boolean) {
  return (
    hostname: string,
    options: { all?: boolean; family?: number | string },
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    dnsLookup(hostname, { ...options, all: true } as { all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "");
      if (!allowPrivate && addresses.some((a) => isInternalAddress(a.address))) {
        return callback(Object.assign(new Error(`webhook host ${hostname} resolves to an internal address`), { code: "EINTERNAL", permanent: true }), "");
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`webhook host ${hostname} has no address`), { code: "ENOTFOUND" }), "");
      callback(null, first.address, first.family);
    });
  };
}
