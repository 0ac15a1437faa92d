/* global URLSearchParams, location, localStorage, sessionStorage, history */
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
  announcer: document.querySelector('#announcer'),
  alert: document.querySelector('#alert'),
  recommendations: document.querySelector('#recommendations'),
};

/** The longest message `POST /v1/chat` takes (its schema's `message` bound, in code points), checked here so a long message is not lost. */
const maxMessageLength = 4000;
/** Characters as people count them and the API's bound counts them: code points, a surrogate pair (an emoji) once. */
const codePointLength = (text) => {
  let count = 0;
  for (const _character of text) count++;
  return count;
};
/**
 * How long a chat turn may go unanswered before the page gives up on it: well past the server's own limits (each LLM
 * step of a turn has 20 s before the offline path answers), so only a stuck server or connection reaches it.
 */
const turnTimeoutMs = 90_000;
/** After this long a turn's status says how long it has been waiting. */
const slowTurnMs = 5_000;
/** This tab's conversation (session id, log, cards), kept across a reload; a new tab starts a new one. */
const conversationStorageKey = 'personalab.conversation';
const noKeyText = 'No API key yet: open the chat page\'s address that `personalab serve` printed (the key is after "#key="), or paste the key into the API key box above.';

let sessionId;
/** What the log shows, as `{ role, text }`, and the cards' last rendering: saved for a reload. */
let transcript = [];
let cards = { recommendations: [], emptyText: 'No recommendations yet: tell me what you like.', userId: undefined, ratings: {} };
/** True while a chat turn is in flight: one at a time, so no message is sent twice or answered out of order. */
let busy = false;
/** The last message that failed, with its Idempotency-Key: sent again unchanged, it reuses the key, so the server runs it at most once. */
let failed;
/** Counts conversations (another user id, New user): a turn answered after its conversation ended is not shown in the next. */
let conversation = 0;
/**
 * The turn in flight (`{ text, userId, sessionId, key }`; `{ text }` before its user exists), saved with the conversation:
 * after a reload it is sent again with its Idempotency-Key, so its answer is shown (the server ran it at most once).
 */
let pending;

// A key in the URL fragment (printed by `personalab serve`) never reaches server logs.
function readFragment() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const key = fragment.get('key');
  if (key) {
    localStorage.setItem('personalab.key', key);
    history.replaceState(null, '', location.pathname);
  }
  return { key, user: fragment.get('user') };
}

const fragment = readFragment();
elements.apiKey.value = localStorage.getItem('personalab.key') ?? '';
elements.userId.value = fragment.user ?? localStorage.getItem('personalab.user') ?? '';

function saveConversation() {
  const saved = { userId: elements.userId.value.trim(), sessionId, transcript: transcript.slice(-200), cards, pending };
  try {
    sessionStorage.setItem(conversationStorageKey, JSON.stringify(saved));
  } catch {
    // Storage full or off: a reload then starts a new conversation, as it did before.
  }
}

/** Shows this tab's saved conversation; returns whether there was one, and its turn left unanswered by a reload. */
function restoreConversation() {
  let saved;
  try {
    saved = JSON.parse(sessionStorage.getItem(conversationStorageKey) ?? 'null');
  } catch {
    return { shown: false };
  }
  if (!saved || !Array.isArray(saved.transcript) || saved.userId !== elements.userId.value.trim()) return { shown: false };
  sessionId = typeof saved.sessionId === 'string' ? saved.sessionId : undefined;
  for (const entry of saved.transcript) if (typeof entry?.role === 'string' && typeof entry?.text === 'string') say(entry.role, entry.text);
  if (saved.cards && Array.isArray(saved.cards.recommendations)) renderRecommendations(saved.cards.recommendations, String(saved.cards.emptyText ?? ''), saved.cards.userId, readRatings(saved.cards.ratings));
  const unanswered = saved.pending && typeof saved.pending.text === 'string' && transcript.at(-1)?.role === 'user' ? saved.pending : undefined;
  return { shown: transcript.length > 0, unanswered };
}

/** Starts a new conversation as the user in the user box: the log, session and cards were the previous user's. */
function startConversation(statusText, emptyText) {
  localStorage.setItem('personalab.user', elements.userId.value.trim());
  conversation++;
  sessionId = undefined;
  failed = undefined;
  pending = undefined;
  // Left up, the previous user's log had read as this user's, and was saved and restored as theirs.
  elements.log.replaceChildren();
  transcript = [];
  greet();
  if (elements.apiKey.value.trim() === '') sayAloud('error', noKeyText);
  // The cards were for the previous user: left up, their Rate buttons would rate for the new one.
  renderRecommendations([], emptyText);
  setStatus(statusText);
  saveConversation();
}

function changeUser() {
  const userId = elements.userId.value.trim();
  startConversation(userId === '' ? 'No user id: your next message starts a new user.' : `Chatting as user ${userId}: a new conversation.`, 'No recommendations yet for this user: ask for some.');
}

elements.apiKey.addEventListener('change', () => localStorage.setItem('personalab.key', elements.apiKey.value.trim()));
elements.userId.addEventListener('change', changeUser);
// The printed address pasted into a tab already on the page changes only the fragment: no reload, so read it here.
window.addEventListener('hashchange', () => {
  const { key, user } = readFragment();
  if (key) {
    elements.apiKey.value = key;
    setStatus('API key updated from the address.');
  }
  if (user && user !== elements.userId.value.trim()) {
    elements.userId.value = user;
    changeUser();
  }
});

/** A fresh Idempotency-Key; `getRandomValues` works on plain http too, where `randomUUID` does not (a LAN address). */
function newIdempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

async function api(method, path, body, headers = {}, { timeoutMs } = {}) {
  let response;
  let data;
  // fetch has no time limit of its own: a server that never answers had left the page "Thinking…" for good, every send refused.
  const controller = new AbortController();
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => controller.abort(), timeoutMs);
  try {
    response = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${elements.apiKey.value.trim()}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
      signal: controller.signal,
    });
    data = await response.json().catch((error) => {
      if (controller.signal.aborted) throw error;
      return {};
    });
  } catch {
    const error = controller.signal.aborted
      ? new Error(`No answer from the server after ${Math.round(timeoutMs / 1000)} seconds: it may be overloaded or stuck`)
      : // fetch says only "Failed to fetch": the server is down, restarting, or the network is gone.
        new Error('Could not reach the server: it may have stopped or be restarting (is `personalab serve` running?).');
    error.status = 0;
    throw error;
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok) {
    const error = new Error(data?.error?.message ?? `HTTP ${response.status}`);
    error.status = response.status;
    error.paths = data?.error?.paths ?? [];
    error.retryAfterSeconds = Number(response.headers.get('retry-after')) || undefined;
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
  transcript.push({ role, text });
  return entry;
}

/** Says a line in the log and has a screen reader read it once: an error as an alert, a reply politely. */
function sayAloud(role, text) {
  say(role, text);
  announce(role === 'error' ? elements.alert : elements.announcer, text);
}

/** How long an announcement stays in its (hidden) live region: then only the log has it, so reading on meets it once. */
const announcementMs = 5_000;

/**
 * Has a screen reader read `text` from a live region. A new element each time, so the same words twice in a row are
 * read twice; the log itself is not live (it had read the whole restored conversation out again on a reload).
 */
function announce(region, text) {
  const line = document.createElement('p');
  line.textContent = text;
  region.replaceChildren(line);
  setTimeout(() => line.remove(), announcementMs);
}

/** Marks the conversation and the cards busy while a turn runs (`aria-busy`), and not after it, whatever its end. */
function setBusy(on) {
  busy = on;
  elements.send.disabled = on;
  for (const region of [elements.log, elements.recommendations]) region.setAttribute('aria-busy', String(on));
}

/** What to type, shown on an empty conversation (on this page only; the server is not told). */
function greet() {
  say('assistant hint', 'Hi! Tell me films you loved or disliked ("I loved Alien, Fargo was boring") or genres you like, then ask for a recommendation. Narrow it down as you go ("from the 90s please", "no horror", "for the kids"; "start over" drops it all), and ask "why the second one?" or "something lighter". Enter a user id above to chat as an existing user; otherwise a new one is made.');
}

function setStatus(text) {
  elements.status.textContent = text;
}

/**
 * "Thinking… (12 s; the answer is taking longer than usual)": the seconds are hidden from screen readers and change in
 * place, so the status is announced once, not every second.
 */
function setSlowStatus(seconds) {
  let counter = elements.status.querySelector('.seconds');
  if (!counter) {
    counter = document.createElement('span');
    counter.className = 'seconds';
    counter.setAttribute('aria-hidden', 'true');
    elements.status.replaceChildren('Thinking… (', counter, 'the answer is taking longer than usual)');
  }
  counter.textContent = `${seconds} s; `;
}

/** Saved ratings (`{ itemId: 1..5 }`) as read back from storage, anything else dropped. */
function readRatings(value) {
  const ratings = {};
  if (value && typeof value === 'object') for (const [itemId, rating] of Object.entries(value)) if (Number.isInteger(rating) && rating >= 1 && rating <= 5) ratings[itemId] = rating;
  return ratings;
}

/** Puts an unsent message back in the box, unless the user has typed another meanwhile. */
function restoreMessage(text) {
  if (elements.message.value.trim() === '') {
    elements.message.value = text;
    fitMessageBox();
  }
}

function fitMessageBox() {
  elements.message.style.height = 'auto';
  elements.message.style.height = `${elements.message.scrollHeight + 2}px`;
}

/**
 * Replaces the cards with these recommendations for `userId` (their Rate buttons rate as that user),
 * or with a line saying why there are none. `ratings` (`{ itemId: value }`) are shown pressed; by default the ones
 * `userId` gave on this page so far.
 */
function renderRecommendations(recommendations, emptyText, userId, ratings = userId !== undefined && userId === cards.userId ? cards.ratings : {}) {
  cards = { recommendations, emptyText, userId, ratings };
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
    const shownTitle = item.year && !item.title.includes(String(item.year)) ? `${item.title} (${item.year})` : item.title;
    title.textContent = shownTitle;
    const tags = document.createElement('div');
    tags.className = 'tags';
    tags.textContent = item.tags.join(' · ');
    const explanation = document.createElement('p');
    explanation.className = 'explanation';
    explanation.textContent = recommendation.explanation;
    // Named for the film: a screen reader had heard "rate Laugh Riot 5", and every card's "Why this?" alike.
    const rate = document.createElement('div');
    rate.className = 'rate';
    rate.setAttribute('role', 'group');
    rate.setAttribute('aria-label', `Rate ${shownTitle}`);
    const rateLabel = document.createElement('span');
    rateLabel.textContent = 'Rate: ';
    rateLabel.setAttribute('aria-hidden', 'true');
    rate.append(rateLabel);
    for (let value = 1; value <= 5; value++) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = String(value);
      button.setAttribute('aria-label', `Rate ${shownTitle} ${value} star${value === 1 ? '' : 's'}`);
      const chosen = cards.ratings[item.id] === value;
      button.classList.toggle('chosen', chosen);
      button.setAttribute('aria-pressed', String(chosen));
      button.addEventListener('click', () => rateItem(userId, item, value, button));
      rate.append(button);
    }
    const why = document.createElement('button');
    why.type = 'button';
    why.className = 'why';
    why.textContent = 'Why this?';
    // Starts with the words on the button, so a voice user saying "Why this?" reaches it.
    why.setAttribute('aria-label', `Why this? Explain why ${shownTitle} is recommended`);
    why.addEventListener('click', () => void sendMessage(`Why ${item.title}?`));
    card.append(title, tags, explanation, rate, why);
    elements.recommendations.append(card);
  }
}

async function rateItem(userId, item, value, button) {
  try {
    await api('POST', `/v1/users/${encodeURIComponent(userId)}/events`, { events: [{ type: 'rating', itemId: item.id, value }] });
    for (const other of button.parentElement.querySelectorAll('button')) {
      other.classList.toggle('chosen', other === button);
      other.setAttribute('aria-pressed', String(other === button));
    }
    // Kept with the cards, so the pressed button is still the pressed one after a reload.
    if (cards.userId === userId) {
      cards.ratings = { ...cards.ratings, [item.id]: value };
      saveConversation();
    }
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

/** The error line for a turn that failed as `userId`; its message goes back in the box to send again. */
function describeFailure(error, userId) {
  if (error.status === 401) return `${error.message}. Open the address \`personalab serve\` printed (the key is after "#key="), or paste the key into the API key box above; your message is back in the box.`;
  // Sent again it would fail the same way: say what to change.
  if (error.status === 404 && error.paths?.includes('body.userId')) return `There is no user "${userId}" here: enter the id of an existing user above, or press New user to chat as a new one. Your message is back in the box.`;
  // The API's messages end without a full stop ("rate limit exceeded: … retry in 1 minute").
  const reason = /[.!?]$/.test(error.message) ? error.message : `${error.message}.`;
  return `${reason} Your message is back in the box: press Enter to send it again.`;
}

/**
 * Sends one chat turn; while one is in flight, another is refused (false) and its text stays where it was.
 * `resumed`: the turn a reload interrupted, already in the log (its key, if it had one, is in `failed`).
 */
async function sendMessage(text, { resumed = false } = {}) {
  if (busy) {
    setStatus('Still waiting for the answer to your last message…');
    return false;
  }
  if (elements.apiKey.value.trim() === '') {
    sayAloud('error', noKeyText);
    restoreMessage(text);
    elements.apiKey.focus();
    saveConversation();
    return true;
  }
  setBusy(true);
  if (!resumed) say('user', text);
  pending = { text };
  saveConversation();
  setStatus('Thinking…');
  let attempt;
  const turnConversation = conversation;
  // The user moved on while this turn ran (New user, another id): its answer or failure belongs to the old conversation.
  const movedOn = () => conversation !== turnConversation;
  // A slow turn (an LLM step waiting out its limit) says how long it has waited, so the page does not look stuck.
  const started = Date.now();
  const ticker = setInterval(() => {
    const waited = Date.now() - started;
    if (!movedOn() && waited >= slowTurnMs) setSlowStatus(Math.floor(waited / 1000));
  }, 1_000);
  try {
    const userId = await ensureUser();
    const sameAsFailed = failed && failed.text === text && failed.userId === userId && failed.sessionId === sessionId;
    attempt = { text, userId, sessionId, key: sameAsFailed ? failed.key : newIdempotencyKey() };
    pending = attempt;
    saveConversation();
    const chat = async () => {
      for (;;) {
        try {
          return await api('POST', '/v1/chat', { userId, message: text, ...(attempt.sessionId ? { sessionId: attempt.sessionId } : {}) }, { 'idempotency-key': attempt.key }, { timeoutMs: turnTimeoutMs });
        } catch (error) {
          // Sent again after a reload while the first is still running: the server asks to wait for its answer.
          const running = error.status === 409 && error.paths?.includes('headers.idempotency-key');
          if (!running || movedOn() || Date.now() - started > turnTimeoutMs) throw error;
          await new Promise((resolve) => setTimeout(resolve, (error.retryAfterSeconds ?? 1) * 1000));
        }
      }
    };
    let result;
    try {
      result = await chat();
    } catch (error) {
      // The server no longer knows the session (a fresh store, say): start a new one, once.
      if (!(attempt.sessionId && error.status === 404 && error.paths?.includes('body.sessionId'))) throw error;
      if (movedOn()) return true;
      sessionId = undefined;
      // Another body needs another key (the same key with another body is a 422).
      attempt = { text, userId, sessionId: undefined, key: newIdempotencyKey() };
      pending = attempt;
      sayAloud('assistant hint', 'The server no longer had this conversation, so I started a new one.');
      result = await chat();
    }
    if (movedOn()) return true;
    failed = undefined;
    sessionId = result.sessionId;
    sayAloud('assistant', result.reply);
    // Recommend and refine turns answer with a list, even an empty one; explain and chit-chat keep the cards.
    if (result.intent === 'recommend' || result.intent === 'refine') renderRecommendations(result.recommendations, 'Nothing left that fits: change what you asked for, or say "start over".', userId);
    setStatus(`${result.intent} · re-ranked by ${result.reranker}${result.degraded ? ' (LLM unavailable, offline answer)' : ''}`);
  } catch (error) {
    if (movedOn()) return true;
    failed = attempt;
    sayAloud('error', describeFailure(error, attempt?.userId ?? elements.userId.value.trim()));
    restoreMessage(text);
    setStatus('');
    if (error.status === 401) elements.apiKey.focus();
  } finally {
    clearInterval(ticker);
    pending = undefined;
    setBusy(false);
    // Disabling the focused Send button (or re-rendering a focused card) drops focus to the page: bring it back.
    if (document.activeElement === document.body || document.activeElement === null) elements.message.focus();
    saveConversation();
  }
  return true;
}

elements.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  // Focus stays in the box (a click on Send moved it to the button, which is disabled while the turn runs).
  elements.message.focus();
  if (busy) {
    setStatus('Still waiting for the answer to your last message…');
    return;
  }
  const text = elements.message.value.trim();
  if (text === '') {
    elements.message.value = '';
    elements.message.reportValidity();
    return;
  }
  // Counted as the API counts (code points): an emoji is one character, not the two UTF-16 units `length` counts.
  const characters = codePointLength(text);
  if (characters > maxMessageLength) {
    sayAloud('error', `This message is ${characters.toLocaleString('en')} characters long; the recommender reads at most ${maxMessageLength.toLocaleString('en')}. Shorten it and send it again.`);
    saveConversation();
    return;
  }
  elements.message.value = '';
  fitMessageBox();
  void sendMessage(text);
});

// Enter sends, Shift+Enter starts a new line; Enter that confirms an input method's composition does neither.
elements.message.addEventListener('keydown', (event) => {
  if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
  event.preventDefault();
  elements.composer.requestSubmit();
});
elements.message.addEventListener('input', fitMessageBox);
// The placeholder wraps on a narrow screen: size the box to it too.
window.addEventListener('resize', fitMessageBox);
fitMessageBox();

// The conversation changes only once the new user exists: a server that could not be reached had left the previous
// user's log up with the user box emptied, and the next message went out as yet another new user.
elements.newUser.addEventListener('click', async () => {
  elements.newUser.disabled = true;
  let created = false;
  try {
    const user = await api('POST', '/v1/users', {});
    elements.userId.value = user.id;
    startConversation(`New user ${user.id}. Tell me what you like.`, 'No recommendations yet: tell me what you like.');
    created = true;
  } catch (error) {
    const current = elements.userId.value.trim();
    setStatus(`Could not create a user: ${error.message}${current === '' ? '' : ` Still chatting as user ${current}.`}`);
  } finally {
    elements.newUser.disabled = false;
    // The disabled button drops focus to the page (sooner or later): on to the box to type in, or back to try again.
    const focus = document.activeElement;
    if (focus === document.body || focus === null || focus === elements.newUser) (created ? elements.message : elements.newUser).focus();
  }
});

const restored = restoreConversation();
if (!restored.shown) {
  greet();
  renderRecommendations([], 'No recommendations yet: tell me what you like.');
}
if (elements.apiKey.value.trim() === '') {
  // Without a key every request is a 401: say so now, not after the first message.
  sayAloud('error', noKeyText);
  if (restored.unanswered) restoreMessage(restored.unanswered.text);
  elements.apiKey.focus();
} else {
  elements.message.focus();
  // A reload while a turn ran: its message had vanished, and the server's list it answered with was never shown.
  if (restored.unanswered) {
    const { text, key, userId } = restored.unanswered;
    failed = typeof key === 'string' && typeof userId === 'string' ? restored.unanswered : undefined;
    void sendMessage(text, { resumed: true });
  }
}
