// Checks an RFC 9162 inclusion proof and a C2SP signed checkpoint in the browser (WebCrypto):
// SHA-256 leaf and node hashes, the audit path up to the root, a consistency proof to the latest
// checkpoint, and the Ed25519 signature line of the log's key. Nothing is taken on the
// service's word except the hashes it hands over, which are all recomputed here.
const enc = new TextEncoder();

export function b64(text) { return Uint8Array.from(atob(text), (c) => c.charCodeAt(0)); }
export function hex(bytes) { return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(""); }
function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
function equal(a, b) { return a.length === b.length && a.every((x, i) => x === b[i]); }
async function sha256(bytes) { return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)); }
export const leafHash = (data) => sha256(concat(Uint8Array.of(0), data));
const nodeHash = (l, r) => sha256(concat(Uint8Array.of(1), l, r));
const odd = (n) => n % 2 === 1;
const half = (n) => Math.floor(n / 2);

// RFC 9162 2.1.3.2
export async function rootFromInclusion(index, size, leaf, path) {
  if (index >= size) throw new Error(`leaf ${index} is outside a tree of ${size}`);
  let fn = index, sn = size - 1, r = leaf;
  for (const p of path) {
    if (sn === 0) throw new Error("the inclusion proof is longer than the tree is deep");
    if (odd(fn) || fn === sn) {
      r = await nodeHash(p, r);
      if (!odd(fn)) while (!odd(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
    } else {
      r = await nodeHash(r, p);
    }
    fn = half(fn); sn = half(sn);
  }
  if (sn !== 0) throw new Error("the inclusion proof is shorter than the tree is deep");
  return r;
}

// RFC 9162 2.1.4.2
export async function checkConsistency(first, second, firstRoot, secondRoot, proof) {
  if (first === second) return proof.length === 0 && equal(firstRoot, secondRoot);
  if (first === 0) return true;
  let path = proof;
  if ((first & (first - 1)) === 0) path = [firstRoot, ...proof];
  if (path.length === 0) return false;
  let fn = first - 1, sn = second - 1;
  while (odd(fn)) { fn = half(fn); sn = half(sn); }
  let fr = path[0], sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = await nodeHash(c, fr); sr = await nodeHash(c, sr);
      if (!odd(fn)) while (!odd(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = half(fn); sn = half(sn);
  }
  return sn === 0 && equal(fr, firstRoot) && equal(sr, secondRoot);
}

export function parseCheckpoint(note) {
  const split = note.indexOf("\n\n");
  if (split < 0) throw new Error("the checkpoint has no signature block");
  const body = note.slice(0, split + 1);
  const [origin, size, root] = body.split("\n");
  const signatures = note.slice(split + 2).split("\n").filter((l) => l.startsWith("\u2014 ")).map((l) => {
    const [name, sig] = l.slice(2).split(" ");
    return { name, raw: b64(sig) };
  });
  return { body, origin, size: Number(size), root: b64(root), signatures };
}

export async function parseVkey(vkey) {
  const parts = vkey.trim().split("+");
  if (parts.length < 3) throw new Error("a verifier key looks like name+keyid+base64key");
  const [name, id] = parts;
  const raw = b64(parts.slice(2).join("+"));
  if (raw.length !== 33 || raw[0] !== 1) throw new Error("not an Ed25519 verifier key (type 0x01)");
  const computed = (await sha256(concat(enc.encode(`${name}\n`), raw))).slice(0, 4);
  if (hex(computed) !== id.toLowerCase()) throw new Error(`key id ${id} does not match the key of ${name}`);
  return { name, id: computed, publicKey: raw.slice(1) };
}

export async function ed25519Supported() {
  try {
    await crypto.subtle.importKey("raw", new Uint8Array(32), { name: "Ed25519" }, false, ["verify"]);
    return true;
  } catch (_) { return false; }
}

export async function verifyNote(checkpoint, key) {
  const line = checkpoint.signatures.find((s) => s.name === key.name && equal(s.raw.slice(0, 4), key.id));
  if (!line) throw new Error(`the checkpoint carries no signature of ${key.name}`);
  const k = await crypto.subtle.importKey("raw", key.publicKey, { name: "Ed25519" }, false, ["verify"]);
  return crypto.subtle.verify({ name: "Ed25519" }, k, line.raw.slice(4), enc.encode(checkpoint.body));
}
