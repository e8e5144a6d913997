import { CHAT_ASSET_PREFIX } from './spec.js';

/**
 * The source material's Socket.IO chat page (login, rooms General, Support
 * and Random, user list, messages, typing indicator), logging in with an
 * email and password through the REST token endpoint. Its script differs
 * from the original where that was unsafe: every piece of user text is set
 * with textContent (the original put message text into innerHTML, so a
 * message could run script), the user list is searched without building a
 * CSS selector from a user id, and events of other rooms are not shown.
 */
export const CHAT_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>polyface · chat</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="${CHAT_ASSET_PREFIX}chat.css">
</head>
<body>
  <div class="container">
    <h1>polyface chat</h1>
    <form class="login-form" id="login-form">
      <h2>Log in</h2>
      <input type="email" id="email" placeholder="Email (or admin)" autocomplete="username" required>
      <input type="password" id="password" placeholder="Password" autocomplete="current-password" required>
      <input type="text" id="username" placeholder="Name to show (optional)" maxlength="40">
      <button id="login-btn" type="submit">Log in</button>
      <div class="status" id="login-status" role="alert"></div>
    </form>
    <div id="chat-container" hidden>
      <div class="rooms">
        <div class="room-list">
          <h3>Rooms</h3>
          <ul id="room-list">
            <li><a href="#" data-room="general">General</a></li>
            <li><a href="#" data-room="support">Support</a></li>
            <li><a href="#" data-room="random">Random</a></li>
          </ul>
          <h3>Users</h3>
          <ul id="user-list"></ul>
        </div>
        <div class="chat-area">
          <h3 id="current-room">Room: -</h3>
          <div class="messages" id="messages" aria-live="polite"></div>
          <div class="typing-indicator" id="typing-indicator"></div>
          <form class="input-area" id="send-form">
            <input type="text" id="message-input" placeholder="Type a message..." autocomplete="off">
            <button id="send-btn" type="submit">Send</button>
          </form>
          <div class="status" id="chat-status" role="alert"></div>
        </div>
      </div>
    </div>
  </div>
  <script src="${CHAT_ASSET_PREFIX}socket.io.min.js"></script>
  <script src="${CHAT_ASSET_PREFIX}chat.js"></script>
</body>
</html>
`;

export const CHAT_CSS = `body { font-family: Arial, sans-serif; margin: 0; padding: 20px; }
.container { max-width: 800px; margin: 0 auto; }
.login-form { margin-bottom: 20px; display: flex; flex-direction: column; gap: 8px; max-width: 320px; }
.rooms { display: flex; margin-bottom: 20px; }
.room-list { flex: 1; padding: 10px; border: 1px solid #ccc; }
.room-list a.active { font-weight: bold; }
.chat-area { flex: 3; padding: 10px; border: 1px solid #ccc; margin-left: 10px; }
.messages { height: 300px; overflow-y: auto; border: 1px solid #eee; padding: 10px; margin-bottom: 10px; white-space: pre-wrap; word-break: break-word; }
.message { margin-bottom: 8px; }
.system-message { color: #888; font-style: italic; }
.typing-indicator { min-height: 1.2em; color: #888; }
.input-area { display: flex; }
.input-area input { flex: 1; padding: 8px; }
.input-area button { padding: 8px 16px; margin-left: 10px; }
.status { color: #b00; min-height: 1.2em; }
`;

export const CHAT_JS = `(function () {
  'use strict';
  var byId = function (id) { return document.getElementById(id); };
  var loginForm = byId('login-form'), chatContainer = byId('chat-container'), messages = byId('messages');
  var messageInput = byId('message-input'), currentRoomHeader = byId('current-room'), userList = byId('user-list');
  var typingIndicator = byId('typing-indicator'), loginStatus = byId('login-status'), chatStatus = byId('chat-status');
  var socket = null, currentRoom = null, typingTimeout = null, typists = {};
  var transport = new URLSearchParams(location.search).get('transport');

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = String(text);
    return el;
  }
  function scroll() { messages.scrollTop = messages.scrollHeight; }
  function system(text) { messages.appendChild(element('div', 'message system-message', text)); scroll(); }
  // Text only: a name or a message is never parsed as HTML.
  function addMessage(data) {
    var el = element('div', 'message');
    el.appendChild(element('strong', 'author', data.username));
    el.appendChild(element('span', 'text', ': ' + data.message + ' '));
    el.appendChild(element('small', 'time', new Date(data.timestamp * 1000).toLocaleTimeString()));
    messages.appendChild(el);
    scroll();
  }
  function inRoom(data) { return data && data.room_id === currentRoom; }
  function showTypists() {
    var names = Object.keys(typists).map(function (k) { return typists[k]; });
    typingIndicator.textContent = names.length ? names.join(', ') + (names.length > 1 ? ' are typing...' : ' is typing...') : '';
  }
  function userItem(id) {
    for (var i = 0; i < userList.children.length; i++) if (userList.children[i].dataset.userId === id) return userList.children[i];
    return null;
  }
  function addUser(id, name) {
    var li = userItem(id) || userList.appendChild(element('li'));
    li.dataset.userId = id;
    li.textContent = name;
  }

  function joinRoom(roomId) {
    if (currentRoom === roomId) return;
    if (currentRoom) socket.emit('leave_room', { room_id: currentRoom });
    currentRoom = roomId;
    socket.emit('join_room', { room_id: roomId });
    var links = document.querySelectorAll('#room-list a');
    for (var i = 0; i < links.length; i++) links[i].classList.toggle('active', links[i].dataset.room === roomId);
    currentRoomHeader.textContent = 'Room: ' + roomId;
    messages.textContent = '';
    typists = {};
    showTypists();
    system('You joined the room "' + roomId + '"');
  }

  function stopTyping() {
    if (!typingTimeout) return;
    clearTimeout(typingTimeout);
    typingTimeout = null;
    socket.emit('typing', { room_id: currentRoom, typing: false });
  }

  function connect(token, name) {
    var options = { auth: { token: token } };
    if (transport === 'polling' || transport === 'websocket') options.transports = [transport];
    socket = io(options);
    socket.on('connect', function () {
      chatStatus.textContent = '';
      socket.emit('login', { username: name });
      loginForm.hidden = true;
      chatContainer.hidden = false;
      // After a reconnect the server has forgotten our rooms: join the current one again.
      var room = currentRoom || 'general';
      currentRoom = null;
      joinRoom(room);
    });
    socket.on('connect_error', function (err) {
      var code = err && err.data && err.data.code;
      if (code) {
        socket.disconnect();
        chatContainer.hidden = true;
        loginForm.hidden = false;
        loginStatus.textContent = err.message;
      } else {
        chatStatus.textContent = 'Cannot reach the server, retrying...';
      }
    });
    socket.on('active_users', function (data) {
      userList.textContent = '';
      Object.keys(data.users).forEach(function (id) { addUser(id, data.users[id]); });
    });
    socket.on('user_online', function (data) {
      addUser(data.user_id, data.username);
      if (data.user_id !== socket.id) system(data.username + ' is online');
    });
    socket.on('user_offline', function (data) {
      var li = userItem(data.user_id);
      if (li) li.remove();
      system(data.username + ' went offline');
    });
    socket.on('user_joined', function (data) { if (inRoom(data) && data.user_id !== socket.id) system(data.username + ' joined the room'); });
    socket.on('user_left', function (data) {
      if (!inRoom(data)) return;
      delete typists[data.user_id];
      showTypists();
      system(data.username + ' left the room');
    });
    socket.on('new_message', function (data) {
      if (!inRoom(data)) return;
      delete typists[data.user_id];
      showTypists();
      addMessage(data);
    });
    socket.on('user_typing', function (data) {
      if (!inRoom(data)) return;
      if (data.typing) typists[data.user_id] = data.username;
      else delete typists[data.user_id];
      showTypists();
    });
    socket.on('chat_error', function (data) { chatStatus.textContent = data.message; });
    socket.on('disconnect', function (reason) {
      system(reason === 'io server disconnect' ? 'The server closed the connection.' : 'Connection lost. Reconnecting...');
    });
  }

  loginForm.addEventListener('submit', function (e) {
    e.preventDefault();
    loginStatus.textContent = '';
    var body = JSON.stringify({ username: byId('email').value.trim(), password: byId('password').value });
    fetch('/api/v1/auth/token', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body })
      .then(function (res) {
        return res.json().then(function (data) {
          if (!res.ok) throw new Error(data.detail || 'Login failed');
          connect(data.access_token, byId('username').value.trim());
        });
      })
      .catch(function (err) { loginStatus.textContent = err.message; });
  });

  byId('room-list').addEventListener('click', function (e) {
    e.preventDefault();
    if (e.target.tagName === 'A') joinRoom(e.target.dataset.room);
  });

  byId('send-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var message = messageInput.value.trim();
    if (!message || !currentRoom) return;
    socket.emit('send_message', { room_id: currentRoom, message: message });
    messageInput.value = '';
    stopTyping();
  });

  messageInput.addEventListener('input', function () {
    if (typingTimeout || !currentRoom) return;
    socket.emit('typing', { room_id: currentRoom, typing: true });
    typingTimeout = setTimeout(function () {
      typingTimeout = null;
      socket.emit('typing', { room_id: currentRoom, typing: false });
    }, 2000);
  });
})();
`;
