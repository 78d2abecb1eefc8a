import { describe, expect, it } from "vitest";
import { guardedLookup, isInternalAddress, webhookTargetProblem } from "./address-guard";

describe("internal addresses", () => {
  it.each([
    "127.0.0.1",
    "127.255.0.9",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "fe80::1%eth0",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:169.254.169.254",
    "::ffff:a9fe:a9fe",
    "0:0:0:0:0:ffff:10.0.0.1",
    "::127.0.0.1",
    "64:ff9b::10.0.0.1",
    "[::1]",
  ])("%s is internal", (address) => {
    expect(isInternalAddress(address)).toBe(true);
  });

  it.each(["93.184.216.34", "1.1.1.1", "172.32.0.1", "192.169.0.1", "2606:4700::1111", "::ffff:8.8.8.8", "2001:db8::1"])("%s is public", (address) => {
    expect(isInternalAddress(address)).toBe(false);
  });
});

describe("webhook targets", () => {
  const publicDns = async () => ["93.184.216.34"];
  const internal = /internal address/;

  it.each([
    "http://127.0.0.1:8080/hook",
    "http://localhost/hook",
    "http://LOCALHOST./hook",
    "http://api.localhost/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[fd00::5]/hook",
    "http://[fe80::1]/hook",
    "http://10.0.0.5/hook",
    "http://2130706433/hook", // 127.0.0.1 as a single number, normalised by the URL parser
    "http://0x7f.1/hook",
  ])("refuses %s", async (url) => {
    expect(await webhookTargetProblem(url, { allowPrivate: false, resolve: publicDns })).toMatch(internal);
  });

  it("refuses a name that resolves to an internal address, even among public ones", async () => {
    const problem = await webhookTargetProblem("https://hooks.example.org/x", { allowPrivate: false, resolve: async () => ["93.184.216.34", "10.0.0.7"] });
    expect(problem).toMatch(/resolves to an internal address/);
    expect(await webhookTargetProblem("https://hooks.example.org/x", { allowPrivate: false, resolve: async () => ["::ffff:192.168.0.1"] })).toMatch(/resolves/);
  });

  it("accepts public targets, and names that do not resolve yet (delivery checks again)", async () => {
    expect(await webhookTargetProblem("https://hooks.example.org/x", { allowPrivate: false, resolve: publicDns })).toBeNull();
    expect(await webhookTargetProblem("https://203.0.113.10/x", { allowPrivate: false, resolve: publicDns })).toBeNull();
    const nxdomain = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
    };
    expect(await webhookTargetProblem("https://not-yet.example.org/x", { allowPrivate: false, resolve: nxdomain })).toBeNull();
    expect(await webhookTargetProblem("https://not-yet.example.org/x", { allowPrivate: false, resolve: nxdomain, requireResolution: true })).toMatch(/does not resolve/);
  });

  it("refuses other schemes and credentials in the URL; the operator may allow internal targets", async () => {
    expect(await webhookTargetProblem("ftp://example.org/x", { allowPrivate: false })).toMatch(/http\(s\)/);
    expect(await webhookTargetProblem("https://user:pw@example.org/x", { allowPrivate: false, resolve: publicDns })).toMatch(/credentials/);
    expect(await webhookTargetProblem("http://127.0.0.1:9/hook", { allowPrivate: true })).toBeNull();
  });

  it("the connection-time lookup refuses what the system resolver answers for localhost", async () => {
    const lookup = guardedLookup(false);
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => lookup("localhost", {}, (e) => resolve(e)));
    expect(error?.message).toMatch(/resolves to an internal address/);
    const allowed = await new Promise<string>((resolve, reject) => guardedLookup(true)("localhost", {}, (e, address) => (e ? reject(e) : resolve(String(address)))));
    expect(isInternalAddress(allowed)).toBe(true);
  });
});
