import { initAll } from '../govuk/govuk-frontend.min.js';

initAll();

// The risk review's rating, said as the scores change: "2 x 7 = 14 (Medium)". Without JavaScript the
// page shows the rating as saved or as posted.
function bandOf(levels, score) {
  for (const band of levels) {
    if (score >= band.min && (band.max === null || score <= band.max)) return band.name;
  }
  return 'Not banded';
}

document.querySelectorAll('[data-module="app-live-rating"]').forEach((box) => {
  const likelihood = document.getElementById(box.dataset.likelihood);
  const impact = document.getElementById(box.dataset.impact);
  const out = box.querySelector('[data-rating]');
  let levels = [];
  try { levels = JSON.parse(box.dataset.levels || '[]'); } catch (e) { levels = []; }
  if (!likelihood || !impact || !out) return;
  const update = () => {
    const l = parseInt(likelihood.value, 10);
    const i = parseInt(impact.value, 10);
    out.textContent = Number.isNaN(l) || Number.isNaN(i) ? 'not yet scored' : `${l} x ${i} = ${l * i} (${bandOf(levels, l * i)})`;
  };
  likelihood.addEventListener('change', update);
  impact.addEventListener('change', update);
});
