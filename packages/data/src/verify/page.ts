/**
 * The manual-verification page (appendix C.1), one self-contained HTML document. Round 1 shows, next to
 * the reference frame (middle of the longest shot, with the main character's mask), the middle frame of
 * each shot WITHOUT a tracklet: is the main character there but unlabelled ("missing", which discards
 * the video)? Round 2 shows each shot WITH a tracklet: is the mask on someone else while the character is
 * there ("incorrect", discards the video), on someone else while the character is absent ("redundant",
 * drops that shot's mask), or right ("correct")? Each click is saved at once.
 */
export const VERIFICATION_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>LoomData manual verification</title>
<style>
  body { font: 15px system-ui, sans-serif; margin: 16px; color: #222; }
  .frames { display: flex; gap: 16px; align-items: flex-start; }
  figure { margin: 0; }
  figure img { width: min(44vw, 640px); image-rendering: pixelated; border: 1px solid #999; display: block; }
  figcaption { font-size: 13px; color: #555; margin-top: 4px; }
  .buttons { margin: 12px 0; display: flex; gap: 8px; }
  button { font-size: 15px; padding: 6px 14px; cursor: pointer; }
  #status { margin: 8px 0; font-weight: 600; }
  #done { display: none; color: #176; font-weight: 600; }
  kbd { border: 1px solid #aaa; border-radius: 3px; padding: 0 4px; font-size: 12px; }
</style>
</head>
<body>
<h1>LoomData manual verification</h1>
<div id="status">Loading…</div>
<div id="task">
  <p id="question"></p>
  <div class="frames">
    <figure><img id="reference" alt="reference frame"><figcaption id="reference-caption">Reference: middle frame of the longest shot, with the main character's mask</figcaption></figure>
    <figure><img id="shot" alt="shot frame"><figcaption id="shot-caption"></figcaption></figure>
  </div>
  <div class="buttons" id="buttons"></div>
</div>
<div id="done">All videos are verified. Rerun the pipeline to apply the decisions.</div>
<script>
const ROUND1 = [
  { decision: 'missing', label: 'Main character missing (discard video)', key: 'm' },
  { decision: 'ok', label: 'Not in this shot (keep)', key: 'k' },
];
const ROUND2 = [
  { decision: 'incorrect', label: 'Incorrect (discard video)', key: 'i' },
  { decision: 'redundant', label: 'Redundant (drop this shot\\'s mask)', key: 'r' },
  { decision: 'correct', label: 'Correct', key: 'c' },
];
let queue = [];
let current = null;

async function load() {
  const res = await fetch('api/videos');
  const videos = await res.json();
  queue = [];
  for (const v of videos) {
    if (v.discarded) continue;
    for (const shot of v.round1) if (!v.decisions.round1[shot.shotIndex]) queue.push({ video: v, round: 1, shot });
    for (const shot of v.round2) if (!v.decisions.round2[shot.shotIndex]) queue.push({ video: v, round: 2, shot });
  }
  // Round 1 of every video first: a missing character discards the video before round 2 is needed.
  queue.sort((a, b) => a.round - b.round);
  next();
}

function next() {
  current = queue.shift() ?? null;
  const status = document.getElementById('status');
  if (!current) {
    document.getElementById('task').style.display = 'none';
    document.getElementById('done').style.display = 'block';
    status.textContent = 'Done';
    return;
  }
  const { video, round, shot } = current;
  status.textContent = 'Round ' + round + ' · video ' + video.videoId + ' · shot ' + shot.shotIndex + ' · ' + (queue.length + 1) + ' left';
  document.getElementById('question').textContent = round === 1
    ? 'Is the main character (left) in this shot but without a mask?'
    : 'Is the mask in this shot on the main character (left)?';
  document.getElementById('reference').src = 'api/videos/' + encodeURIComponent(video.videoId) + '/frames/' + video.keyFrameIndex + '.png';
  document.getElementById('shot').src = 'api/videos/' + encodeURIComponent(video.videoId) + '/frames/' + shot.middleFrameIndex + '.png';
  document.getElementById('shot-caption').textContent = 'Shot ' + shot.shotIndex + ', middle frame ' + shot.middleFrameIndex + (round === 2 ? ', with its mask' : '');
  const buttons = document.getElementById('buttons');
  buttons.replaceChildren();
  for (const b of round === 1 ? ROUND1 : ROUND2) {
    const el = document.createElement('button');
    el.dataset.decision = b.decision;
    el.innerHTML = b.label + ' <kbd>' + b.key + '</kbd>';
    el.onclick = () => decide(b.decision);
    buttons.append(el);
  }
}

async function decide(decision) {
  if (!current) return;
  const { video, round, shot } = current;
  const res = await fetch('api/videos/' + encodeURIComponent(video.videoId) + '/decisions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ round, shotIndex: shot.shotIndex, decision }),
  });
  if (!res.ok) { document.getElementById('status').textContent = 'Saving failed: ' + (await res.text()); return; }
  if (decision === 'missing' || decision === 'incorrect') queue = queue.filter((t) => t.video.videoId !== video.videoId);
  next();
}

document.addEventListener('keydown', (e) => {
  if (!current) return;
  const b = (current.round === 1 ? ROUND1 : ROUND2).find((x) => x.key === e.key);
  if (b) decide(b.decision);
});
load();
</script>
</body>
</html>
`;
