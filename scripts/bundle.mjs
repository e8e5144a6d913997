// Bundles the gateway's entry points (dist/app/main.js for `npm start`, dist/app/cli.js for `polyface`) with esbuild,
// over the per-file output tsc wrote (scripts/build.mjs runs tsc first). Issue 18: most of a cold start was node
// resolving, reading and compiling ~1,100 separate modules; one ESM bundle (split at the code's own lazy
// `await import()`s, so what a start does not need is still not loaded) cuts that to a few files.
//
// Everything lands in dist/app/ (entries and chunks side by side), so every output file is at the same depth:
//  - src modules that find files relative to themselves (`new URL('../../../proto/', import.meta.url)`) get the URL
//    their tsc-compiled file would have had, so dist/'s layout and the copied assets stay as they are;
//  - CommonJS packages that name __dirname/__filename (grpc-js, @grpc/reflection, grpc-health-check and socket.io
//    load .proto files and client assets beside themselves) get their real folder in node_modules;
//  - CommonJS `require` of node built-ins and of what stays external works through a createRequire banner.
//  - a CommonJS package that src imports with `import('pkg')` has only `default` (module.exports) in a split
//    bundle, where node would also give it named exports: src takes `(await import('pkg')).default`, and the build
//    fails when it does not (checkDynamicImports).
// External: native addons (better-sqlite3 finds its .node file from its own stack) and optional native peers; and
// packages that keep most of their code behind a require() they make on first use (iconv-lite's encoding tables,
// half a megabyte that a bundle would make every start parse), required from their real place in node_modules.
import { build } from 'esbuild';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = join(root, 'dist', 'app');
const EXTERNAL = ['better-sqlite3', 'pg-native', 'bufferutil', 'utf-8-validate'];
const LOADED_ON_USE = ['iconv-lite'];

/** A path from the output folder, as a relative URL (forward slashes). */
const fromOut = (path) => relative(outdir, path).split(sep).join('/');

/** src/**.ts: `import.meta.url` is the URL of the module's tsc-compiled file in dist/. */
const srcModuleUrl = {
  name: 'polyface-src-module-url',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async ({ path }) => {
      const text = await readFile(path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const compiled = join(root, 'dist', relative(join(root, 'src'), path)).replace(/\.ts$/, '.js');
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromOut(compiled))}, import.meta.url).href`), loader: 'ts' };
    });
  },
};

/** node_modules CommonJS: __dirname and __filename are the file's own place in node_modules, as when it is not bundled. */
const packageDirname = {
  name: 'polyface-package-dirname',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/].*\.c?js$/ }, async ({ path }) => {
      const text = await readFile(path, 'utf8');
      if (!/\b__(dirname|filename)\b/.test(text)) return undefined;
      const shim = `var __filename = __polyfaceFile(${JSON.stringify(fromOut(path))}); var __dirname = __polyfaceDirname(__filename);\n`;
      return { contents: shim + text, loader: 'js' };
    });
  },
};

/** LOADED_ON_USE: left out of the bundle, required by the path the importing package would have resolved. */
const fromNodeModules = {
  name: 'polyface-from-node-modules',
  setup(b) {
    const filter = new RegExp(`^(${LOADED_ON_USE.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, async ({ path, resolveDir, kind, pluginData }) => {
      if (pluginData === 'real') return undefined;
      const real = await b.resolve(path, { resolveDir, kind, pluginData: 'real' });
      if (real.errors.length) return { errors: real.errors };
      return { path: fromOut(real.path).replace(/^(?!\.)/, './'), external: true };
    });
  },
};

/** src's `import('pkg')` of a CommonJS package must go through `.default` (see above); anything else fails the build. */
async function checkDynamicImports(metafile) {
  const wrong = [];
  for (const [file, input] of Object.entries(metafile.inputs)) {
    if (!file.startsWith('src/')) continue;
    for (const imp of input.imports) {
      if (imp.kind !== 'dynamic-import' || imp.external || metafile.inputs[imp.path]?.format !== 'cjs') continue;
      const quoted = imp.original.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      const text = await readFile(join(root, file), 'utf8');
      if (!new RegExp(`import\\(\\s*['"]${quoted}['"]\\s*\\)\\s*\\)\\.default\\b`).test(text)) wrong.push(`${file}: import('${imp.original}')`);
    }
  }
  if (wrong.length) throw new Error(`CommonJS packages imported without .default (a split bundle gives them no named exports):\n  ${wrong.join('\n  ')}`);
}

export async function bundle() {
  for (const name of readdirSync(outdir)) if (name.startsWith('chunk-')) rmSync(join(outdir, name));
  const { metafile } = await build({
    metafile: true,
    absWorkingDir: root,
    entryPoints: { main: 'src/app/main.ts', cli: 'src/app/cli.ts' },
    outdir,
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    tsconfig: 'tsconfig.build.json',
    sourcemap: true,
    minifyWhitespace: true,
    minifySyntax: true,
    sourcesContent: false,
    external: EXTERNAL,
    plugins: [srcModuleUrl, packageDirname, fromNodeModules],
    logLevel: 'warning',
    banner: {
      js: [
        "import { createRequire as __polyfaceCreateRequire } from 'node:module';",
        "import { dirname as __polyfaceDirname } from 'node:path';",
        "import { fileURLToPath as __polyfaceFileURLToPath } from 'node:url';",
        'const require = __polyfaceCreateRequire(import.meta.url);',
        'const __polyfaceFile = (path) => __polyfaceFileURLToPath(new URL(path, import.meta.url));',
      ].join('\n'),
    },
  });
  await checkDynamicImports(metafile).catch((err) => {
    // No entry point left behind that looks newer than src/ (ensure-built.mjs would run it as it is).
    for (const entry of ['main.js', 'cli.js']) rmSync(join(outdir, entry), { force: true });
    throw err;
  });
  // What went where, for a look at what a start loads (esbuild's analyzer at https://esbuild.github.io/analyze/ reads it).
  writeFileSync(join(root, 'dist', 'bundle-meta.json'), JSON.stringify(metafile));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle();
