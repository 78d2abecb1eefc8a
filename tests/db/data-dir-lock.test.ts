// The embedded database's lock file (db/client.ts): one process at a time,
// and a lock left behind by a process that died is taken over.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/db/client";

const root = mkdtempSync(path.join(tmpdir(), "driftline-lock-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function roundTrip(dataDir: string): Promise<void> {
  const handle = await openDatabase({ dataDir });
  try {
    expect(readFileSync(`${dataDir}.lock`, "utf8")).toBe(`${process.pid} ${hostname()}`);
    expect(await handle.query<{ one: number }>("select 1 as one")).toEqual([{ one: 1 }]);
  } finally {
    await handle.close();
  }
}

describe("the embedded database's lock", () => {
  it("refuses a second opener in the same process while the first has it open", async () => {
    const dataDir = path.join(root, "same-process");
    const first = await openDatabase({ dataDir });
    try {
      await expect(openDatabase({ dataDir })).rejects.toThrow(`is open in process ${process.pid}`);
    } finally {
      await first.close();
    }
  });

  it("refuses while another live process holds it", async () => {
    const dataDir = path.join(root, "live-holder");
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    try {
      writeFileSync(`${dataDir}.lock`, String(holder.pid));
      await expect(openDatabase({ dataDir })).rejects.toThrow(`is open in process ${holder.pid}`);
    } finally {
      holder.kill("SIGKILL");
    }
  });

  it("takes over a lock left by a process killed with SIGKILL", async () => {
    const dataDir = path.join(root, "killed-holder");
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    writeFileSync(`${dataDir}.lock`, String(holder.pid));
    await new Promise((resolve) => {
      holder.once("exit", resolve);
      holder.kill("SIGKILL");
    });
    await roundTrip(dataDir);
  });

  it("takes over a stale lock that names this process's pid (a restarted container's server is pid 1 again)", async () => {
    const dataDir = path.join(root, "recycled-pid");
    writeFileSync(`${dataDir}.lock`, `${process.pid} ${hostname()}`);
    await roundTrip(dataDir);
    const legacy = path.join(root, "recycled-pid-legacy");
    writeFileSync(`${legacy}.lock`, String(process.pid));
    await roundTrip(legacy);
  });

  it("refuses a lock written on another host, even one naming this pid (two containers sharing a volume)", async () => {
    const dataDir = path.join(root, "other-host");
    writeFileSync(`${dataDir}.lock`, `${process.pid} another-container`);
    await expect(openDatabase({ dataDir })).rejects.toThrow(/locked by process \d+ on host another-container.*delete .*other-host\.lock/);
    expect(readFileSync(`${dataDir}.lock`, "utf8")).toBe(`${process.pid} another-container`);
  });
});
