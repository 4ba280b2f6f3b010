/**
 * A real local Redis Cluster for tests: six `redis-server --cluster-enabled yes` processes on free
 * loopback ports (data files in a temporary directory), joined by `redis-cli --cluster create`
 * with one replica per primary. Takes about two seconds; `stop()` removes everything.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { HostPort } from "../../src/config/redis-target.js";
import { freePort } from "../helpers/redis-server.js";

const run = promisify(execFile);

/** A running cluster. */
export interface RedisCluster {
  readonly nodes: readonly HostPort[];
  /** `host:port,…` as `REDIS_CLUSTER_NODES` takes it. */
  readonly spec: string;
  stop(): Promise<void>;
  /** Kills one node at once (SIGKILL), as a crash would. */
  kill(port: number): Promise<void>;
}

function startNode(port: number, directory: string): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--cluster-enabled",
      "yes",
      "--cluster-config-file",
      `nodes-${port}.conf`,
      "--cluster-node-timeout",
      "2000",
      "--dir",
      directory,
      "--save",
      "",
      "--appendonly",
      "no",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += String(chunk);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server ${port}:\n${output}`)), 10000);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    const check = () => {
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve(child);
      } else if (child.exitCode !== null) {
        clearTimeout(timer);
        reject(new Error(`redis-server ${port} exited:\n${output}`));
      } else setTimeout(check, 20);
    };
    check();
  });
}

/** Six free ports whose cluster bus port (port + 10000) is a valid port too. */
async function nodePorts(): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < 6) {
    const port = await freePort();
    if (port <= 55535 && !ports.includes(port)) ports.push(port);
  }
  return ports;
}

async function clusterOk(port: number): Promise<boolean> {
  const { stdout } = await run("redis-cli", ["-p", String(port), "cluster", "info"]);
  return stdout.includes("cluster_state:ok");
}

/**
 * Starts a six-node cluster (three primaries, three replicas) and waits until every node reports
 * `cluster_state:ok`.
 */
export async function startRedisCluster(): Promise<RedisCluster> {
  const directory = mkdtempSync(join(tmpdir(), "tokenmint-cluster-"));
  let ports: number[] = [];
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
          }),
      ),
    );
    rmSync(directory, { recursive: true, force: true });
  };
  try {
    // A free port can be taken before the node binds it (other suites start servers too): retry.
    for (let attempt = 1; children.length === 0; attempt++) {
      ports = await nodePorts();
      const started = await Promise.allSettled(ports.map((port) => startNode(port, directory)));
      const up = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
      if (up.length === ports.length) children.push(...up);
      else {
        for (const child of up) child.kill("SIGKILL");
        const failed = started.find((result) => result.status === "rejected");
        if (attempt === 3) throw failed?.reason;
      }
    }
    await run("redis-cli", [
      "--cluster",
      "create",
      ...ports.map((port) => `127.0.0.1:${port}`),
      "--cluster-replicas",
      "1",
      "--cluster-yes",
    ]);
    const deadline = Date.now() + 15000;
    for (const port of ports) {
      while (!(await clusterOk(port))) {
        if (Date.now() > deadline) throw new Error("the cluster did not reach cluster_state:ok");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const nodes = ports.map((port) => ({ host: "127.0.0.1", port }));
  const kill = async (port: number) => {
    const child = children[ports.indexOf(port)];
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });
  };
  return { nodes, spec: ports.map((port) => `127.0.0.1:${port}`).join(","), stop, kill };
}
