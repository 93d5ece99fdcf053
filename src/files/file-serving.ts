/**
 * How a file's bytes are handed out, the same from local disk and from S3 (a presigned GET): as the
 * type the service found (mime_type, from the probe or the name, never the uploader's say), shown in
 * place only for media a browser cannot run as a page; anything else (HTML, SVG, text) downloads.
 */
export function servingOf(file: { mimeType: string | null; filename: string }): { contentType: string; inline: boolean; filename: string } {
  const contentType = file.mimeType ?? 'application/octet-stream';
  const inline = /^(video|audio)\//.test(contentType) || /^image\/(png|jpeg|gif|webp|avif|bmp)$/.test(contentType);
  return { contentType, inline, filename: file.filename };
}
