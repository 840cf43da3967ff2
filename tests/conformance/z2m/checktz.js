// Does a toZigbee converter of each case's definition take the command's keys (as Zigbee2MQTT's publish.ts routes them)?
const zhc = require("zigbee-herdsman-converters"); const fs = require("fs");
const rows = JSON.parse(fs.readFileSync(process.argv[2])); const cases = JSON.parse(fs.readFileSync(process.argv[3]));
const dir = "node_modules/zigbee-herdsman-converters/dist/devices/";
const byModel = {};
for (const f of fs.readdirSync(dir).filter(f => f.endsWith(".js"))) { let m; try { m = require("./" + dir + f); } catch (e) { continue; }
  for (const d of (m.definitions || [])) if (!byModel[d.model]) byModel[d.model] = d; }
for (const c of cases) { if (!c.command) continue;
  const row = rows.find(r => r.entry.friendly_name === c.friendly);
  const def = zhc.prepareDefinition(byModel[row.entry.definition.model]);
  const eps = new Set(row.entry.definition.exposes.map(e => e.endpoint).filter(Boolean));
  for (const k of Object.keys(c.command.payload)) {
    let key = k; const m = k.match(/^(.*)_([a-z0-9]+)$/); if (m && eps.has(m[2])) key = m[1];
    const tuya = ((def.meta || {}).tuyaDatapoints || []).map(dp => dp[1]); // tuya.tz.datapoints takes these keys
    const ok = def.toZigbee.some(t => (t.key || []).includes(key)) || tuya.includes(key);
    console.log((ok ? "ok  " : "NO  ") + c.friendly + ": " + k + (key !== k ? " (endpoint key " + key + ")" : ""));
  } }
