/**
 * Real database servers from Debian's packages (installed by run.sh's install_system_packages),
 * each started on 127.0.0.1 on a free port with its own data under a temporary directory (never
 * the system services), and stopped with its data removed afterwards.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DatabaseServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 30_000;

/** A port that was free a moment ago (the servers take a port number, not 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Every child server still running, killed if the test process exits without closing them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts several servers at once; if one fails, the others are stopped before the error is
 * thrown, so that a failed setup leaves no process behind.
 */
export async function startAll<T extends Record<string, Promise<{ close(): Promise<void> }>>>(starts: T): Promise<{ [K in keyof T]: Awaited<T[K]> }> {
  const names = Object.keys(starts);
  const settled = await Promise.allSettled(Object.values(starts));
  const failure = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure !== undefined) {
    await Promise.all(settled.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)));
    throw failure.reason;
  }
  return Object.fromEntries(settled.map((result, index) => [names[index], (result as PromiseFulfilledResult<unknown>).value])) as { [K in keyof T]: Awaited<T[K]> };
}

/** redis-server without persistence. */
export async function startRedis(): Promise<DatabaseServer> {
  const binary = requireBinary('/usr/bin/redis-server', 'redis-server');
  const port = await freePort();
  const child = spawn(binary, ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' });
  return serverWhenListening(child, port, 'redis-server', () => undefined);
}

/**
 * MariaDB without system tables: `--skip-grant-tables` lets any user in without a password
 * and spares `mariadb-install-db` (seconds of start-up).
 */
export async function startMariaDb(): Promise<DatabaseServer> {
  const binary = requireBinary('/usr/sbin/mariadbd', 'mariadb-server');
  const dir = mkdtempSync(join(tmpdir(), 'otel-lambda-mariadb-'));
  mkdirSync(join(dir, 'data'));
  const port = await freePort();
  const args = [
    '--no-defaults',
    `--datadir=${join(dir, 'data')}`,
    `--socket=${join(dir, 'mariadb.sock')}`,
    `--pid-file=${join(dir, 'mariadb.pid')}`,
    `--port=${port}`,
    `--bind-address=${HOST}`,
    '--skip-grant-tables',
    '--skip-log-bin',
    '--innodb-buffer-pool-size=8M',
    ...(isRoot() ? ['--user=root'] : []),
  ];
  const child = spawn(binary, args, { stdio: 'ignore' });
  return serverWhenListening(child, port, 'mariadbd', () => rmSync(dir, { recursive: true, force: true }));
}

/**
 * PostgreSQL in a fresh cluster (initdb, trust authentication for the `postgres` user). The
 * server refuses to run as root, so as root it runs as Debian's `postgres` account (spawned with
 * that uid directly, so that signals reach the server itself). Stopped with SIGINT, its "fast"
 * shutdown: SIGTERM's "smart" one would wait for every client to leave.
 */
export async function startPostgres(): Promise<DatabaseServer> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'otel-lambda-postgres-'));
  const account = isRoot() ? accountOf('postgres') : {};
  if (account.uid !== undefined) chownSync(dir, account.uid, account.gid ?? -1);
  const data = join(dir, 'data');
  const initdb = run([join(bin, 'initdb'), '-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--no-instructions'], account);
  if (initdb.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${initdb.status}): ${initdb.stderr}`);
  }
  const port = await freePort();
  const child = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', `listen_addresses=${HOST}`, '-c', 'fsync=off'], { stdio: 'ignore', ...account });
  // The port opens before recovery ends; pg_isready says when connections are accepted.
  const ready = (): boolean => run([join(bin, 'pg_isready'), '-q', '-h', HOST, '-p', String(port)]).status === 0;
  return serverWhenListening(child, port, 'postgres', () => rmSync(dir, { recursive: true, force: true }), ready, 'SIGINT');
}

function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((name) => existsSync(join(root, name, 'bin', 'postgres'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) throw missing('postgresql');
  return join(root, newest, 'bin');
}

function requireBinary(path: string, debianPackage: string): string {
  if (!existsSync(path)) throw missing(debianPackage);
  return path;
}

function missing(debianPackage: string): Error {
  return new Error(`${debianPackage} is not installed: ./run.sh installs it (apt-get install ${debianPackage}).`);
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

function accountOf(user: string): { uid?: number; gid?: number } {
  const uid = run(['id', '-u', user]);
  const gid = run(['id', '-g', user]);
  if (uid.status !== 0 || gid.status !== 0) throw new Error(`no ${user} account (the postgresql package creates it): ${uid.stderr}`);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function run(commandLine: readonly string[], account: { uid?: number; gid?: number } = {}): { status: number | null; stdout: string; stderr: string } {
  const [command, ...args] = commandLine;
  const result = spawnSync(command!, args, { encoding: 'utf8', ...account });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** Resolves once the server is ready (by default: its port accepts connections); rejects (and cleans up) if the server exits or never listens. */
async function serverWhenListening(
  child: ChildProcess,
  port: number,
  name: string,
  removeData: () => void,
  ready: () => boolean | Promise<boolean> = () => accepts(port),
  stopSignal: NodeJS.Signals = 'SIGTERM',
): Promise<DatabaseServer> {
  let exitCode: number | null | undefined;
  running.add(child);
  child.once('exit', () => running.delete(child));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code) => {
      exitCode = code;
      resolve();
    });
    child.once('error', () => {
      exitCode = -1;
      resolve();
    });
  });
  const close = async (): Promise<void> => {
    if (exitCode === undefined) {
      child.kill(stopSignal);
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
    removeData();
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await ready())) {
    if (exitCode !== undefined || Date.now() > deadline) {
      await close();
      throw new Error(`${name} did not start listening on ${HOST}:${port} (exit code ${String(exitCode)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { host: HOST, port, close };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, HOST);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
