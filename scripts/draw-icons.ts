/**
 * Draws the Teams app icons into appPackage/: `color.png` (192×192, full colour) and
 * `outline.png` (32×32, white on transparent). Run once after changing the design and commit the
 * PNGs: `npx tsx scripts/draw-icons.ts`.
 *
 * The design is signal bars, two strong and two faded, with an amber warning badge: "this call's
 * connection went bad". Shapes are tested per sub-pixel (4×4 samples per pixel) so edges are
 * anti-aliased without a drawing library.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';

/** An RGBA colour with channels from 0 to 255 (alpha too). */
export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

/** A point-in-shape test in pixel coordinates (x right, y down). */
type Shape = (x: number, y: number) => boolean;

/** The accent colour of the app; the manifest's `accentColor` is the same. */
export const ACCENT_COLOR = '#0E6B74';

const SAMPLES_PER_AXIS = 4;

const WHITE: Rgba = { r: 255, g: 255, b: 255, a: 255 };
const AMBER: Rgba = { r: 255, g: 182, b: 39, a: 255 };
const INK: Rgba = { r: 24, g: 32, b: 38, a: 255 };

function roundedRect(x0: number, y0: number, x1: number, y1: number, radius: number): Shape {
  return (x, y) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const cx = Math.min(Math.max(x, x0 + radius), x1 - radius);
    const cy = Math.min(Math.max(y, y0 + radius), y1 - radius);
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
  };
}

function circle(cx: number, cy: number, radius: number): Shape {
  return (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

function ring(cx: number, cy: number, outer: number, inner: number): Shape {
  return (x, y) => {
    const d = (x - cx) ** 2 + (y - cy) ** 2;
    return d <= outer ** 2 && d > inner ** 2;
  };
}

function hexToRgba(hex: string): Rgba {
  const value = Number.parseInt(hex.slice(1), 16);
  return { r: (value >> 16) & 255, g: (value >> 8) & 255, b: value & 255, a: 255 };
}

function mix(under: Rgba, over: Rgba, opacity: number): Rgba {
  const t = (over.a / 255) * opacity;
  return {
    r: under.r + (over.r - under.r) * t,
    g: under.g + (over.g - under.g) * t,
    b: under.b + (over.b - under.b) * t,
    a: under.a + (255 - under.a) * t,
  };
}

/** Renders `colourAt` (the colour of one sample point) into a PNG, averaging the sub-pixel samples. */
function render(size: number, colourAt: (x: number, y: number) => Rgba): PNG {
  const png = new PNG({ width: size, height: size });
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < SAMPLES_PER_AXIS; sy++) {
        for (let sx = 0; sx < SAMPLES_PER_AXIS; sx++) {
          const c = colourAt(px + (sx + 0.5) / SAMPLES_PER_AXIS, py + (sy + 0.5) / SAMPLES_PER_AXIS);
          // Premultiplied, so that transparent samples do not darken the edges.
          r += c.r * c.a;
          g += c.g * c.a;
          b += c.b * c.a;
          a += c.a;
        }
      }
      const offset = (py * size + px) * 4;
      png.data[offset] = a === 0 ? 255 : Math.round(r / a);
      png.data[offset + 1] = a === 0 ? 255 : Math.round(g / a);
      png.data[offset + 2] = a === 0 ? 255 : Math.round(b / a);
      png.data[offset + 3] = Math.round(a / SAMPLES_PER_AXIS ** 2);
    }
  }
  return png;
}

/** The 192×192 colour icon: white signal bars and an amber badge on a full-bleed teal square. */
export function drawColorIcon(): PNG {
  const size = 192;
  const top = hexToRgba('#13808A');
  const bottom = hexToRgba(ACCENT_COLOR);
  // Four bars, bottom-aligned; the symbol stays inside the central 120 px that Teams never crops.
  const baseline = 148;
  const barWidth = 17;
  const gap = 8;
  const left = 32;
  const heights = [22, 38, 54, 70];
  const bars = heights.map((height, i) => {
    const x0 = left + i * (barWidth + gap);
    return roundedRect(x0, baseline - height, x0 + barWidth, baseline, 4);
  });
  // Strong, strong, faded, faded: the connection dropped.
  const barOpacity = [1, 1, 0.38, 0.38];
  const badgeX = 140;
  const badgeY = 54;
  const badge = circle(badgeX, badgeY, 26);
  const badgeGap = circle(badgeX, badgeY, 32);
  const stem = roundedRect(badgeX - 4, badgeY - 16, badgeX + 4, badgeY + 5, 4);
  const dot = circle(badgeX, badgeY + 12.5, 4.5);

  return render(size, (x, y) => {
    let colour = mix(top, bottom, y / size);
    const background = colour;
    bars.forEach((bar, i) => {
      if (bar(x, y)) colour = mix(colour, WHITE, barOpacity[i]!);
    });
    if (badgeGap(x, y)) colour = background;
    if (badge(x, y)) colour = AMBER;
    if (stem(x, y) || dot(x, y)) colour = INK;
    return colour;
  });
}

/** The 32×32 outline icon: the same symbol in white only, on a transparent background. */
export function drawOutlineIcon(): PNG {
  const size = 32;
  const transparent: Rgba = { r: 255, g: 255, b: 255, a: 0 };
  const baseline = 29;
  const barWidth = 4;
  const gap = 2;
  const left = 2;
  const heights = [6, 10, 14, 18];
  const bars = heights.map((height, i) => {
    const x0 = left + i * (barWidth + gap);
    return roundedRect(x0, baseline - height, x0 + barWidth, baseline, 1);
  });
  // Faded bars become outlines: white pixels only, so "faded" is drawn as a hollow bar.
  const hollow = heights.map((height, i) => {
    const x0 = left + i * (barWidth + gap);
    return roundedRect(x0 + 1.25, baseline - height + 1.25, x0 + barWidth - 1.25, baseline - 1.25, 0.5);
  });
  const badgeX = 24;
  const badgeY = 8.5;
  const badgeRing = ring(badgeX, badgeY, 7.5, 5.75);
  const badgeGap = circle(badgeX, badgeY, 9.25);
  const stem = roundedRect(badgeX - 1, badgeY - 4.25, badgeX + 1, badgeY + 1.25, 1);
  const dot = circle(badgeX, badgeY + 3.4, 1.15);

  return render(size, (x, y) => {
    if (badgeRing(x, y) || stem(x, y) || dot(x, y)) return WHITE;
    if (badgeGap(x, y)) return transparent;
    for (let i = 0; i < bars.length; i++) {
      const faded = i >= 2;
      if (bars[i]!(x, y) && !(faded && hollow[i]!(x, y))) return WHITE;
    }
    return transparent;
  });
}

/** Writes both icons next to the manifest. */
export function writeIcons(appPackageDir: string): void {
  writeFileSync(path.join(appPackageDir, 'color.png'), PNG.sync.write(drawColorIcon()));
  writeFileSync(path.join(appPackageDir, 'outline.png'), PNG.sync.write(drawOutlineIcon()));
}

if (require.main === module) {
  const target = path.resolve(__dirname, '..', 'appPackage');
  writeIcons(target);
  process.stdout.write(`Wrote color.png and outline.png to ${target}\n`);
}
