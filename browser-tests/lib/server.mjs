// Starts a real `guildhall serve` on a free loopback port with a temporary SQLite database,
// the way federation-tests/src/instance.rs does, and stops it afterwards.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setInterval as everyInterval } from 'node:timers/promises';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');

/** How long the server may take to answer GET /ready with 200. */
const READY_TIMEOUT_MS = 30_000;
/** Pause between two polls of a condition. */
const POLL_MS = 100;

/** The `guildhall` binary: $GUILDHALL_BIN, or the debug build of this checkout. */
export function binary() {
  const bin = process.env.GUILDHALL_BIN || join(repo, 'target', 'debug', 'guildhall');
  if (!existsSync(bin)) {
    throw new Error(`${bin} does not exist: run \`cargo build -p guildhall\` first (or set GUILDHALL_BIN)`);
  }
  return bin;
}

/** A loopback port that was free a moment ago. */
function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** Polls `check` until it returns a truthy value or `ms` pass. */
export async function pollUntil(what, ms, check) {
  const deadline = Date.now() + ms;
  const first = await check();
  if (first) return first;
  // Further attempts on an interval's ticks (as the Rust harness's poll_every), bounded by
  // the deadline.
  for await (const _tick of everyInterval(POLL_MS)) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
  }
  throw new Error(`stopped waiting for ${what}`);
}

/** Starts an instance; resolves to { url, admin: {username, password}, stop() }. */
export async function startInstance() {
  const bin = binary();
  const dir = mkdtempSync(join(tmpdir(), 'guildhall-browser-'));
  const port = await freePort();
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GUILDHALL_')) env[k] = v;
  Object.assign(env, {
    GUILDHALL_BIND: `127.0.0.1:${port}`,
    GUILDHALL_DOMAIN: `localhost:${port}`,
    GUILDHALL_DATA_DIR: join(dir, 'data'),
    GUILDHALL_LOG: process.env.GUILDHALL_TEST_LOG || 'warn',
    // Test instances talk plain http on loopback ports.
    GUILDHALL_DEV_MODE: 'true',
  });
  const logPath = join(dir, 'server.log');
  const log = createWriteStream(logPath);
  const child = spawn(bin, ['serve'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (d) => {
    stdout += d;
    log.write(d);
  });
  child.stderr.on('data', (d) => log.write(d));
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  const url = `http://127.0.0.1:${port}`;
  const tail = () => readFileSync(logPath, 'utf8').split('\n').slice(-30).join('\n');
  try {
    await pollUntil('GET /ready', READY_TIMEOUT_MS, async () => {
      if (exited) throw new Error(`guildhall serve exited early (${JSON.stringify(exited)}):\n${tail()}`);
      try {
        const r = await fetch(`${url}/ready`);
        return r.status === 200;
      } catch {
        return false;
      }
    });
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  // The server answers /ready as soon as it listens; its start-up banner (with the first
  // administrator's password) is printed just after, so wait for the banner's last line too.
  try {
    await pollUntil('the start-up banner', READY_TIMEOUT_MS, async () => stdout.includes('Guildhall is running at'));
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  const password = /password: (\S+)/.exec(stdout)?.[1];
  if (!password) {
    child.kill('SIGKILL');
    throw new Error(`no admin password printed at first start:\n${stdout}`);
  }
  return {
    url,
    port,
    admin: { username: 'admin', password },
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        await pollUntil('the server to stop', 10_000, () => exited).catch(() => child.kill('SIGKILL'));
      }
      log.end();
      if (process.env.GUILDHALL_TEST_KEEP === '1') console.log(`kept ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
}
