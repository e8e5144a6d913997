import { crc32, deflateSync } from 'node:zlib';

/**
 * The site icon, so no page of the gateway leaves a 404 in the browser's
 * console: an SVG for pages that link it, and /favicon.ico for browsers
 * that ask on their own. Drawn in code (four facets, for "poly-face")
 * rather than shipped as a binary file; the .ico holds one 32×32 PNG, which
 * every browser since Vista-era ICO support reads.
 */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="6" fill="#1f3a5f"/>
<rect x="5" y="5" width="10" height="10" rx="2" fill="#f2a541"/><rect x="17" y="5" width="10" height="10" rx="2" fill="#5fb49c"/>
<rect x="5" y="17" width="10" height="10" rx="2" fill="#e86a92"/><rect x="17" y="17" width="10" height="10" rx="2" fill="#9ad1f5"/>
</svg>
`;

const SIZE = 32;
const BACKGROUND = [0x1f, 0x3a, 0x5f];
const FACETS = [
  [0xf2, 0xa5, 0x41],
  [0x5f, 0xb4, 0x9c],
  [0xe8, 0x6a, 0x92],
  [0x9a, 0xd1, 0xf5],
];

function pixel(x: number, y: number): number[] {
  const inFacet = (v: number) => (v >= 5 && v < 15 ? 0 : v >= 17 && v < 27 ? 1 : -1);
  const col = inFacet(x);
  const row = inFacet(y);
  return col >= 0 && row >= 0 ? FACETS[row * 2 + col]! : BACKGROUND;
}

/** PNG (RFC 2083 / ISO 15948): signature, IHDR, one IDAT of filter-0 scanlines, IEND. */
function png(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
    return Buffer.concat([head, data, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter method variants, no interlace
  const rows: number[] = [];
  for (let y = 0; y < SIZE; y++) {
    rows.push(0);
    for (let x = 0; x < SIZE; x++) rows.push(...pixel(x, y));
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** ICO container: ICONDIR (6 bytes), one ICONDIRENTRY (16 bytes), then the PNG. */
function ico(): Buffer {
  const image = png();
  const dir = Buffer.alloc(22);
  dir.writeUInt16LE(0, 0);
  dir.writeUInt16LE(1, 2); // type: icon
  dir.writeUInt16LE(1, 4); // one image
  dir.writeUInt8(SIZE, 6);
  dir.writeUInt8(SIZE, 7);
  dir.writeUInt16LE(1, 10); // colour planes
  dir.writeUInt16LE(32, 12); // bits per pixel
  dir.writeUInt32LE(image.length, 14);
  dir.writeUInt32LE(22, 18); // offset of the image
  return Buffer.concat([dir, image]);
}

/** Drawn on the first request for it, not at start (issue 18: each start paid for a deflate and a CRC). */
let icon: Buffer | undefined;
export const faviconIco = (): Buffer => (icon ??= ico());
