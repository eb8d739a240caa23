// Renders the access report's sections (libs/privacy accessReportSections) as a PDF with pdfkit.
import type { ReportSection } from '@soar2/privacy';
import PDFDocument from 'pdfkit';

const MARGIN = 50;
const ACCENT = '#3949ab';

/** A PDF stream of the report; the caller pipes or appends it (the document is ended here). */
export function renderReportPdf(title: string, subtitle: string, sections: readonly ReportSection[], createdAt: Date): PDFKit.PDFDocument {
  // A fixed creation date keeps the bytes of a report reproducible for the same data.
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: title, Author: 'Soar2 AI', CreationDate: createdAt } });
  const width = doc.page.width - MARGIN * 2;
  doc.fillColor(ACCENT).font('Helvetica-Bold').fontSize(20).text(title, { width });
  doc.moveDown(0.2).fillColor('#555555').font('Helvetica').fontSize(10).text(subtitle, { width });
  doc.moveDown(0.8);
  for (const section of sections) {
    ensureSpace(doc, 60);
    doc.fillColor(ACCENT).font('Helvetica-Bold').fontSize(13).text(section.heading, MARGIN, doc.y, { width });
    doc.moveDown(0.3);
    doc.fillColor('#111111').font('Helvetica').fontSize(9.5);
    for (const p of section.paragraphs) {
      doc.text(p, MARGIN, doc.y, { width });
      doc.moveDown(0.3);
    }
    if (section.table) drawTable(doc, section.table.columns, section.table.rows, width);
    doc.moveDown(0.8);
  }
  doc.end();
  return doc;
}

function ensureSpace(doc: PDFKit.PDFDocument, needed: number): void {
  if (doc.y + needed > doc.page.height - MARGIN) doc.addPage();
}

/** A simple grid: column widths proportional to the longest cell, capped, rows wrapped to fit. */
function drawTable(doc: PDFKit.PDFDocument, columns: string[], rows: string[][], width: number): void {
  const longest = columns.map((c, i) => Math.min(60, Math.max(c.length + 2, ...rows.map((r) => (r[i] ?? '').length), 8)));
  const total = longest.reduce((a, b) => a + b, 0);
  const widths = longest.map((l) => (l / total) * width);
  const pad = 3;
  const rowHeight = (cells: string[], font: string): number => {
    doc.font(font).fontSize(8.5);
    return Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: (widths[i] ?? 0) - pad * 2 }))) + pad * 2;
  };
  const drawRow = (cells: string[], font: string, fill: string | undefined): void => {
    const h = rowHeight(cells, font);
    if (doc.y + h > doc.page.height - MARGIN) doc.addPage();
    const y = doc.y;
    if (fill) doc.rect(MARGIN, y, width, h).fill(fill);
    let x = MARGIN;
    doc.font(font).fontSize(8.5).fillColor('#111111');
    cells.forEach((c, i) => {
      const w = widths[i] ?? 0;
      doc.text(c, x + pad, y + pad, { width: w - pad * 2 });
      x += w;
    });
    doc.moveTo(MARGIN, y + h).lineTo(MARGIN + width, y + h).lineWidth(0.5).strokeColor('#cccccc').stroke();
    doc.x = MARGIN;
    doc.y = y + h;
  };
  drawRow(columns, 'Helvetica-Bold', '#e8eaf6');
  for (const r of rows) drawRow(columns.map((_, i) => r[i] ?? ''), 'Helvetica', undefined);
}
