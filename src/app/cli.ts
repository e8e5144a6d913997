import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { loadConfig } from '../infra/config.js';
import { generatePassword } from '../infra/secrets.js';
import { startupFailureText } from './failure.js';

// The gateway and the tasks load only when a command runs, so `--help` is quick.
const tasks = () => import('./tasks.js');

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const SETTINGS = '\nSettings come from the environment, as for `npm start` (see the README\'s Configuration table), e.g. DATABASE_URL.';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** A password from stdin (--password-stdin, so it stays out of the shell history and `ps`), or a generated one that is printed. */
async function newPassword(fromStdin: boolean | undefined, say: (line: string) => void): Promise<string> {
  if (fromStdin) return readStdin();
  const password = generatePassword();
  say(`generated password: ${password}`);
  return password;
}

/**
 * `polyface`: the gateway's command line (package.json `bin`, so
 * `npx polyface …` in a checkout). commander gives every command `--help`.
 * A command's failure is one line on stderr and exit code 1. (The
 * comparison tool adds `compare` here when it lands.)
 */
export function cli(out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Command {
  const program = new Command('polyface')
    .enablePositionalOptions()
    .description('One domain, many faces: REST, GraphQL, JSON-RPC 2.0, SOAP and gRPC over the same operations.')
    .version(version)
    .addHelpText('after', SETTINGS)
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('serve')
    .description('run the gateway (what `npm start` does)')
    .action(async () => (await import('./serve.js')).runGateway());

  program
    .command('migrate')
    .description('apply pending database migrations to DATABASE_URL and exit')
    .action(async () => {
      const applied = await (await tasks()).migrateTask(loadConfig());
      out(applied.length ? `applied ${applied.join(', ')}` : 'database is up to date');
    });

  program
    .command('seed')
    .description('fill an empty database with the demo users, products and orders (DEMO_PASSWORD is their password)')
    .action(async () => {
      const seeded = await (await tasks()).seedTask(loadConfig(), out);
      out(seeded ? 'seeded demo data' : 'the database already holds data: nothing seeded');
    });

  program
    .command('create-admin')
    .description('create a user with the admin role (the built-in `admin` login comes from ADMIN_PASSWORD)')
    .requiredOption('--email <email>', 'their login')
    .requiredOption('--name <name>', 'their display name')
    .option('--password-stdin', 'read the password from standard input instead of generating one')
    .action(async (opts: { email: string; name: string; passwordStdin?: boolean }) => {
      const password = await newPassword(opts.passwordStdin, out);
      const user = await (await tasks()).createAdminTask(loadConfig(), { name: opts.name, email: opts.email, password });
      out(`created admin user ${user.id} (${user.email})`);
    });

  program
    .command('reset-password')
    .description('set a new password for `admin` or for a user by email (their tokens stop working)')
    .argument('<login>', '`admin` or a user\'s email')
    .option('--password-stdin', 'read the password from standard input instead of generating one')
    .action(async (login: string, opts: { passwordStdin?: boolean }) => {
      const config = loadConfig();
      const password = await newPassword(opts.passwordStdin, out);
      const who = await (await tasks()).resetPasswordTask(config, login, password);
      out(`password changed for ${who}`);
      if (who === 'admin' && config.adminPassword) out('note: ADMIN_PASSWORD is set, and it replaces this password at the next start');
    });

  program
    .command('export-contracts')
    .description('write every contract document the gateway publishes (OpenAPI, OpenRPC, WSDL, GraphQL SDL, and .proto files when gRPC is there) into a folder')
    .argument('[dir]', 'target folder', 'contracts')
    .option('--base-url <url>', 'where clients will reach the gateway (written into the WSDL address)', 'http://localhost:3000')
    .action(async (dir: string, opts: { baseUrl: string }) => {
      for (const file of await (await tasks()).exportContractsTask(loadConfig(), dir, opts.baseUrl)) out(`wrote ${file}`);
    });

  program
    .command('compare')
    .description('run the same work through every API style and report bytes, round trips, latency and server CPU (polyface compare --help lists its options)')
    .argument('[options...]', 'the comparison\'s own options, passed through')
    .helpOption(false)
    .allowUnknownOption()
    .passThroughOptions()
    .action(async (options: string[]) => {
      const { main: compare } = await import('../compare/cli.js');
      process.exitCode = await compare(options);
    });

  return program;
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = cli().exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    // commander has already printed help, a version, or what was wrong with the arguments.
    if (err instanceof CommanderError) process.exit(err.exitCode);
    process.stderr.write(startupFailureText(err, process.env.LOG_LEVEL, `polyface ${program.args[0] ?? ''}: `));
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
