import PDFDocument from 'pdfkit';
import { crc32 } from 'node:zlib';

/** A4 in PDF points. */
const A4 = { width: 595.28, height: 841.89 } as const;

/** One PDF, one A4 page per comic page, each page's 300 dpi picture filling it. */
export async function comicPdf(title: string, pages: readonly Buffer[]): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 0, autoFirstPage: false, info: { Title: title, Creator: 'Hearth' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  for (const jpeg of pages) {
    doc.addPage({ size: 'A4', margin: 0 });
    doc.image(jpeg, 0, 0, { width: A4.width, height: A4.height });
  }
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

/**
 * A CBZ: a zip of the page pictures in reading order, plus ComicInfo.xml with the title.
 * Pages are PNGs (already compressed), so entries are stored, not deflated.
 */
export function comicCbz(title: string, pages: ReadonlyArray<{ name: string; bytes: Buffer }>): Buffer {
  const xml = `<?xml version="1.0" encoding="utf-8"?>\n<ComicInfo><Title>${escapeXml(title)}</Title><PageCount>${pages.length}</PageCount></ComicInfo>\n`;
  return storedZip([...pages, { name: 'ComicInfo.xml', bytes: Buffer.from(xml) }]);
}

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A zip with stored entries (PKWARE APPNOTE: local headers, central directory, end record). */
function storedZip(entries: ReadonlyArray<{ name: string; bytes: Buffer }>): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(e.bytes);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt32LE(0, 10); // time and date: none
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(e.bytes.length, 18);
    local.writeUInt32LE(e.bytes.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    parts.push(local, name, e.bytes);

    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4); // made by
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x0800, 8);
    dir.writeUInt16LE(0, 10);
    dir.writeUInt32LE(0, 12);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(e.bytes.length, 20);
    dir.writeUInt32LE(e.bytes.length, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    central.push(dir, name);
    offset += local.length + name.length + e.bytes.length;
  }
  const dirBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dirBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, dirBytes, end]);
}
