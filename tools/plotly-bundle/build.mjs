// Builds static/vendor/plotly.min.js (and its .gz and .br, which WhiteNoise serves as they are) from index.js:
//   cd tools/plotly-bundle && npm ci && npm run build
// Same settings as plotly.js's own partial bundles (tasks/partial_bundle.mjs): an IIFE defining window.Plotly,
// ES2016, attribute descriptions stripped (tasks/compress_attributes.js).
import { readFile, writeFile } from 'node:fs/promises';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const version = require('plotly.js/package.json').version;
const out = new URL('../../static/vendor/plotly.min.js', import.meta.url);

// plotly.js's tasks/compress_attributes.js: the attributes' documentation is not needed to draw.
const stripMeta = {
    name: 'strip-attribute-meta',
    setup(b) {
        b.onLoad({ filter: /plotly\.js[\\/]src[\\/].*\.js$/ }, async (args) => {
            const text = await readFile(args.path, 'utf8');
            const oneLine = (attr) => new RegExp(`\\s*${attr}: '.*',?`, 'g');
            const joined = (attr) => new RegExp(`\\s*${attr}: \\[[\\s\\S]*?\\]\\.join\\(.*,?`, 'g');
            const array = (attr) => new RegExp(`\\s*${attr}: \\[[\\s\\S]*?\\],?`, 'g');
            return {
                contents: text.replace(oneLine('description'), '').replace(joined('description'), '')
                    .replace(array('requiredOpts'), '').replace(array('otherOpts'), '')
                    .replace(oneLine('role'), '').replace(oneLine('hrName'), ''),
                loader: 'js',
            };
        });
    },
};

const result = await build({
    entryPoints: [new URL('index.js', import.meta.url).pathname],
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'Plotly',
    target: 'es2016',
    // registry.js requires maplibre's CSS for the map traces, which are not in this bundle.
    loader: { '.css': 'empty' },
    define: { global: 'window', 'define.amd': 'false', 'process.env.NODE_DEBUG': 'false' },
    legalComments: 'eof',
    banner: { js: `/*! plotly.js v${version} (partial bundle: scatter, bar, heatmap) | Copyright 2012-2025, Plotly, Inc. | MIT license */` },
    plugins: [stripMeta],
    write: false,
    logLevel: 'warning',
});
const code = result.outputFiles[0].contents;
await writeFile(out, code);
await writeFile(new URL(out.href + '.gz'), gzipSync(code, { level: 9 }));
await writeFile(new URL(out.href + '.br'), brotliCompressSync(code, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: code.length } }));
console.log(`plotly.min.js ${code.length} bytes`);
