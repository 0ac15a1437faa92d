/* global URLSearchParams, location, localStorage, history */
// The chat page: plain JavaScript, no build step. Talks to the /v1 API with a bearer key.
const elements = {
  apiKey: document.querySelector('#api-key'),
  userId: document.querySelector('#user-id'),
  newUser: document.querySelector('#new-user'),
  log: document.querySelector('#log'),
  composer: document.querySelector('#composer'),
  message: document.querySelector('#message'),
  send: document.querySelector('#send'),
  status: document.querySelector('#status'),
  recommendations: document.querySelector('#recommendations'),
};

// A key in the URL fragment (printed by `personalab serve`) never reaches server logs.
const fragment = new URLSearchParams(location.hash.slice(1));
if (fragment.get('key')) {
  localStorage.setItem('personalab.key', fragment.get('key'));
  history.replaceState(null, '', location.pathname);
}
elements.apiKey.value = localStorage.getItem('personalab.key') ?? '';
elements.userId.value = fragment.get('user') ?? localStorage.getItem('personalab.user') ?? '';
let sessionId;

elements.apiKey.addEventListener('change', () => localStorage.setItem('personalab.key', elements.apiKey.value.trim()));
elements.userId.addEventListener('change', () => {
  localStorage.setItem('personalab.user', elements.userId.value.trim());
  sessionId = undefined;
  // The cards were for the previous user: left up, their Rate buttons would rate for the new one.
  renderRecommendations([], 'No recommendations yet for this user: ask for some.');
});

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${elements.apiKey.value.trim()}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(data?.error?.message ?? `HTTP ${response.status}`);
    error.status = response.status;
    error.paths = data?.error?.paths ?? [];
    throw error;
  }
  return data;
}

function say(role, text) {
  const entry = document.createElement('li');
  entry.className = role;
  entry.textContent = text;
  elements.log.append(entry);
  elements.log.scrollTop = elements.log.scrollHeight;
  return entry;
}

/** What to type, shown on an empty conversation (on this page only; nothing is stored). */
function greet() {
  say('assistant hint', 'Hi! Tell me films you loved or disliked ("I loved Alien, Fargo was boring") or genres you like, then ask for a recommendation. Narrow it down as you go ("from the 90s please", "no horror", "for the kids"; "start over" drops it all), and ask "why the second one?" or "something lighter". Enter a user id above to chat as an existing user; otherwise a new one is made.');
}

function setStatus(text) {
  elements.status.textContent = text;
}

/**
 * Replaces the cards with these recommendations for `userId` (their Rate buttons rate as that user),
 * or with a line saying why there are none.
 */
function renderRecommendations(recommendations, emptyText, userId) {
  elements.recommendations.replaceChildren();
  if (recommendations.length === 0) {
    const empty = document.createElement('li');
    empty.className = 'empty';
    empty.textContent = emptyText;
    elements.recommendations.append(empty);
    return;
  }
  for (const recommendation of recommendations) {
    const { item } = recommendation;
    const card = document.createElement('li');
    card.className = 'card';
    card.dataset.itemId = item.id;
    const title = document.createElement('h3');
    // MovieLens titles carry their year ("Toy Story (1995)"); other items get it added.
    title.textContent = item.year && !item.title.includes(String(item.year)) ? `${item.title} (${item.year})` : item.title;
    const tags = document.createElement('div');
    tags.className = 'tags';
    tags.textContent = item.tags.join(' · ');
    const explanation = document.createElement('p');
    explanation.className = 'explanation';
    explanation.textContent = recommendation.explanation;
    const rate = document.createElement('div');
    rate.className = 'rate';
    rate.append('Rate: ');
    for (let value = 1; value <= 5; value++) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = String(value);
      button.setAttribute('aria-label', `rate ${item.title} ${value}`);
      button.addEventListener('click', () => rateItem(userId, item, value, button));
      rate.append(button);
    }
    const why = document.createElement('button');
    why.type = 'button';
    why.className = 'why';
    why.textContent = 'Why this?';
    why.addEventListener('click', () => sendMessage(`Why ${item.title}?`));
    card.append(title, tags, explanation, rate, why);
    elements.recommendations.append(card);
  }
}

async function rateItem(userId, item, value, button) {
  try {
    await api('POST', `/v1/users/${encodeURIComponent(userId)}/events`, { events: [{ type: 'rating', itemId: item.id, value }] });
    for (const other of button.parentElement.querySelectorAll('button')) other.classList.toggle('chosen', other === button);
    setStatus(`Rated ${item.title}: ${value}/5`);
  } catch (error) {
    setStatus(`Could not save the rating: ${error.message}`);
  }
}

async function ensureUser() {
  if (elements.userId.value.trim() !== '') return elements.userId.value.trim();
  const user = await api('POST', '/v1/users', {});
  elements.userId.value = user.id;
  localStorage.setItem('personalab.user', user.id);
  return user.id;
}

async function sendMessage(text) {
  elements.send.disabled = true;
  say('user', text);
  setStatus('Thinking…');
  try {
    const userId = await ensureUser();
    const chat = () => api('POST', '/v1/chat', { userId, message: text, ...(sessionId ? { sessionId } : {}) });
    let result;
    try {
      result = await chat();
    } catch (error) {
      // The server no longer knows the session (a fresh store, say): start a new one, once.
      if (!(sessionId && error.status === 404 && error.paths?.includes('body.sessionId'))) throw error;
      sessionId = undefined;
      say('assistant hint', 'The server no longer had this conversation, so I started a new one.');
      result = await chat();
    }
    sessionId = result.sessionId;
    say('assistant', result.reply);
    // Recommend and refine turns answer with a list, even an empty one; explain and chit-chat keep the cards.
    if (result.intent === 'recommend' || result.intent === 'refine') renderRecommendations(result.recommendations, 'Nothing left that fits: change what you asked for, or say "start over".', userId);
    setStatus(`${result.intent} · re-ranked by ${result.reranker}${result.degraded ? ' (LLM unavailable, offline answer)' : ''}`);
  } catch (error) {
    say('error', error.message);
    setStatus('');
  } finally {
    elements.send.disabled = false;
  }
}

elements.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = elements.message.value.trim();
  if (text === '') return;
  elements.message.value = '';
  void sendMessage(text);
});

elements.newUser.addEventListener('click', async () => {
  elements.userId.value = '';
  sessionId = undefined;
  renderRecommendations([], 'No recommendations yet: tell me what you like.');
  try {
    const userId = await ensureUser();
    elements.log.replaceChildren();
    greet();
    setStatus(`New user ${userId}. Tell me what you like.`);
  } catch (error) {
    setStatus(`Could not create a user: ${error.message}`);
  }
});

greet();
renderRecommendations([], 'No recommendations yet: tell me what you like.');
