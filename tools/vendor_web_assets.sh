#!/usr/bin/env bash
# Vendor the dashboard's browser assets into src/nafolo/web/static/vendor/ (run once, commit the
# output): htmx and ECharts from their npm packages (minified dist builds), each with its licence,
# and the map of Mali and its neighbours from Natural Earth via the npm package world-atlas,
# converted from TopoJSON to GeoJSON with topojson-client and clipped to West Africa.
#
# The dashboard loads nothing from the internet at run time: this script is the only step that
# needs the npm registry. Usage: tools/vendor_web_assets.sh
set -euo pipefail

HTMX_VERSION=2.0.4
ECHARTS_VERSION=5.6.0
WORLD_ATLAS_VERSION=2.0.2
TOPOJSON_CLIENT_VERSION=3.1.0

root="$(cd "$(dirname "$0")/.." && pwd)"
vendor="$root/src/nafolo/web/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts --save-exact \
  "htmx.org@$HTMX_VERSION" "echarts@$ECHARTS_VERSION" \
  "world-atlas@$WORLD_ATLAS_VERSION" "topojson-client@$TOPOJSON_CLIENT_VERSION" >/dev/null

rm -rf "$vendor"
mkdir -p "$vendor/htmx" "$vendor/echarts" "$vendor/world-atlas"
cp node_modules/htmx.org/dist/htmx.min.js "$vendor/htmx/"
cp node_modules/htmx.org/LICENSE "$vendor/htmx/LICENSE"
cp node_modules/echarts/dist/echarts.min.js "$vendor/echarts/"
cp node_modules/echarts/LICENSE node_modules/echarts/NOTICE "$vendor/echarts/"
cp node_modules/world-atlas/LICENSE "$vendor/world-atlas/LICENSE"
cp node_modules/topojson-client/LICENSE "$vendor/world-atlas/LICENSE.topojson-client"

# Countries kept (ISO 3166-1 numeric ids, as world-atlas names them): Mali, its neighbours and
# the countries of the coastal ports and corridors; every ring clipped to the box below and
# rounded to 0.01° (about 1 km), which is plenty for a national overview.
cat > convert.js <<'EOF'
const fs = require("fs");
const topojson = require("topojson-client");
const KEEP = {
  "466": "Mali", "686": "Senegal", "270": "Gambia", "624": "Guinea-Bissau", "324": "Guinea",
  "694": "Sierra Leone", "430": "Liberia", "384": "Côte d'Ivoire", "288": "Ghana", "768": "Togo",
  "204": "Benin", "854": "Burkina Faso", "562": "Niger", "566": "Nigeria", "478": "Mauritania",
  "012": "Algeria", "732": "W. Sahara",
};
const BOX = { west: -18.5, east: 5.0, south: 4.0, north: 26.0 };
const world = JSON.parse(fs.readFileSync("node_modules/world-atlas/countries-50m.json", "utf8"));
const countries = topojson.feature(world, world.objects.countries);

function clipEdge(ring, inside, cross) {
  const out = [];
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i], b = ring[(i + 1) % ring.length];
    const ina = inside(a), inb = inside(b);
    if (ina) out.push(a);
    if (ina !== inb) out.push(cross(a, b));
  }
  return out;
}
const at = (a, b, t) => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
function clipRing(ring) {
  let r = ring.slice(0, -1);
  r = clipEdge(r, p => p[0] >= BOX.west, (a, b) => at(a, b, (BOX.west - a[0]) / (b[0] - a[0])));
  r = clipEdge(r, p => p[0] <= BOX.east, (a, b) => at(a, b, (BOX.east - a[0]) / (b[0] - a[0])));
  r = clipEdge(r, p => p[1] >= BOX.south, (a, b) => at(a, b, (BOX.south - a[1]) / (b[1] - a[1])));
  r = clipEdge(r, p => p[1] <= BOX.north, (a, b) => at(a, b, (BOX.north - a[1]) / (b[1] - a[1])));
  const rounded = [];
  for (const p of r) {
    const q = [Math.round(p[0] * 100) / 100, Math.round(p[1] * 100) / 100];
    const last = rounded[rounded.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) rounded.push(q);
  }
  if (rounded.length < 3) return null;
  rounded.push(rounded[0]);
  return rounded;
}
function clipPolygon(polygon) {
  const rings = polygon.map(clipRing);
  return rings[0] ? rings.filter(r => r) : null;
}
const features = [];
for (const f of countries.features) {
  const name = KEEP[f.id];
  if (!name) continue;
  const polygons = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
  const clipped = polygons.map(clipPolygon).filter(p => p);
  if (!clipped.length) continue;
  features.push({
    type: "Feature",
    id: f.id,
    properties: { name },
    geometry: { type: "MultiPolygon", coordinates: clipped },
  });
}
features.sort((a, b) => a.id.localeCompare(b.id));
const out = {
  type: "FeatureCollection",
  source: "Natural Earth 1:50m via world-atlas " + process.argv[2] + ", clipped to " +
    JSON.stringify(BOX),
  features,
};
fs.writeFileSync(process.argv[3], JSON.stringify(out));
EOF
node convert.js "$WORLD_ATLAS_VERSION" "$vendor/world-atlas/west-africa.geo.json"

cat > "$vendor/README.md" <<EOF
# Vendored browser assets — do not edit; regenerate with tools/vendor_web_assets.sh

| file | npm package | licence |
|---|---|---|
| htmx/htmx.min.js | htmx.org@$HTMX_VERSION | htmx/LICENSE (0BSD) |
| echarts/echarts.min.js | echarts@$ECHARTS_VERSION | echarts/LICENSE (Apache-2.0), echarts/NOTICE |
| world-atlas/west-africa.geo.json | world-atlas@$WORLD_ATLAS_VERSION (Natural Earth 1:50m, public domain) converted with topojson-client@$TOPOJSON_CLIENT_VERSION | world-atlas/LICENSE (ISC), world-atlas/LICENSE.topojson-client (ISC) |

The map keeps Mali, its neighbours and the countries of the coastal ports, clipped to
longitude −18.5…5°, latitude 4…26°, coordinates rounded to 0.01°.
EOF
echo "vendored into $vendor:"
du -ah "$vendor" | sort -k2
