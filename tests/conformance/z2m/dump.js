const zhc = require("zigbee-herdsman-converters");
const fs = require("fs");
const dir = "node_modules/zigbee-herdsman-converters/dist/devices/";
const want = process.argv.slice(2);
const found = {};
for (const f of fs.readdirSync(dir).filter(f => f.endsWith(".js"))) {
  let mod; try { mod = require("./" + dir + f); } catch (e) { continue; }
  for (const d of (mod.definitions || [])) if (want.includes(d.model) && !found[d.model]) found[d.model] = [d, f];
}
const mockDevice = {manufacturerName: "_TZE200_mock", modelID: "TS0601", endpoints: [], getEndpoint: () => undefined, isDevice: () => true, constructor: {name: "Device"}};
const out = [];
for (const m of want) {
  if (!found[m]) { console.error("missing", m); continue; }
  const [raw, file] = found[m];
  const def = zhc.prepareDefinition(raw);
  let exposes = def.exposes;
  if (typeof exposes === "function") { try { exposes = exposes(mockDevice, {}); } catch (e) { console.error("fn fail", m, e.message); exposes = exposes(undefined, {}); } }
  exposes = JSON.parse(JSON.stringify(exposes));
  out.push({file: "src/devices/" + file.replace(".js", ".ts"), model: def.model, vendor: def.vendor, description: def.description, exposes});
  console.error(m, file, exposes.map(e => e.type + (e.endpoint ? "@" + e.endpoint : "") + ":" + (e.name || e.property || (e.features||[]).map(f=>f.property).join("/"))).join(","), JSON.stringify(exposes).length);
}
fs.writeFileSync("defs.json", JSON.stringify(out));
