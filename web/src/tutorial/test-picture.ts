/**
 * The picture the tutorial opens with before the user gives a photo: plain
 * shapes with edges in every direction (a bright square, a dark disc,
 * stripes at 45°, a gradient), so each edge filter has something to find.
 */

/** A 256 x 192 PNG of shapes. */
export function testPicture(): Promise<Blob> {
  const canvas = Object.assign(document.createElement('canvas'), { width: 256, height: 192 });
  const g = canvas.getContext('2d')!;
  const ramp = g.createLinearGradient(0, 0, 256, 0);
  ramp.addColorStop(0, '#303030');
  ramp.addColorStop(1, '#a0a0a0');
  g.fillStyle = ramp;
  g.fillRect(0, 0, 256, 192);
  g.fillStyle = '#f4f4f4';
  g.fillRect(24, 28, 72, 72);
  g.fillStyle = '#101010';
  g.beginPath();
  g.arc(176, 64, 38, 0, 2 * Math.PI);
  g.fill();
  g.save();
  g.beginPath();
  g.rect(24, 124, 208, 48);
  g.clip();
  g.strokeStyle = '#e8e8e8';
  g.lineWidth = 6;
  for (let x = -48; x < 256; x += 16) {
    g.beginPath();
    g.moveTo(x, 172);
    g.lineTo(x + 48, 124);
    g.stroke();
  }
  g.restore();
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the test picture could not be drawn'))), 'image/png'));
}
