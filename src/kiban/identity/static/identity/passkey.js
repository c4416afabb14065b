// Passkeys (WebAuthn) for staff: registration on the security page, the second step at sign-in.
// The server (py_webauthn) sends options as JSON with base64url fields and checks the answer.
(function () {
  "use strict";

  function toBytes(value) {
    var base64 = value.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    return Uint8Array.from(atob(base64), function (c) { return c.charCodeAt(0); }).buffer;
  }

  function toBase64url(buffer) {
    var text = "";
    new Uint8Array(buffer).forEach(function (b) { text += String.fromCharCode(b); });
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: body || "",
      headers: {"X-CSRFToken": csrfToken(), "Content-Type": "application/json"}
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data.error || response.statusText); }
        return data;
      });
    });
  }

  function descriptors(list) {
    return (list || []).map(function (c) { return Object.assign({}, c, {id: toBytes(c.id)}); });
  }

  function register(options) {
    options.challenge = toBytes(options.challenge);
    options.user.id = toBytes(options.user.id);
    options.excludeCredentials = descriptors(options.excludeCredentials);
    return navigator.credentials.create({publicKey: options}).then(function (credential) {
      return JSON.stringify({
        id: credential.id, rawId: toBase64url(credential.rawId), type: credential.type,
        response: {
          clientDataJSON: toBase64url(credential.response.clientDataJSON),
          attestationObject: toBase64url(credential.response.attestationObject),
          transports: credential.response.getTransports ? credential.response.getTransports() : []
        },
        clientExtensionResults: credential.getClientExtensionResults()
      });
    });
  }

  function authenticate(options) {
    options.challenge = toBytes(options.challenge);
    options.allowCredentials = descriptors(options.allowCredentials);
    return navigator.credentials.get({publicKey: options}).then(function (credential) {
      var response = credential.response;
      return JSON.stringify({
        id: credential.id, rawId: toBase64url(credential.rawId), type: credential.type,
        response: {
          clientDataJSON: toBase64url(response.clientDataJSON),
          authenticatorData: toBase64url(response.authenticatorData),
          signature: toBase64url(response.signature),
          userHandle: response.userHandle ? toBase64url(response.userHandle) : null
        },
        clientExtensionResults: credential.getClientExtensionResults()
      });
    });
  }

  function wire(box, ceremony) {
    var button = box.querySelector("[data-passkey-button]");
    var error = box.querySelector("[data-passkey-error]");
    if (!window.PublicKeyCredential || !button) { return; }
    box.querySelector("[data-passkey-unsupported]").hidden = true;
    button.hidden = false;
    button.addEventListener("click", function () {
      error.textContent = "";
      button.disabled = true;
      post(box.dataset.optionsUrl)
        .then(ceremony)
        .then(function (credential) { return post(box.dataset.verifyUrl, credential); })
        .then(function (data) { window.location.assign(data.redirect || "/"); })
        .catch(function (problem) { error.textContent = problem.message; button.disabled = false; });
    });
  }

  document.querySelectorAll("[data-passkey-register]").forEach(function (box) { wire(box, register); });
  document.querySelectorAll("[data-passkey-sign-in]").forEach(function (box) { wire(box, authenticate); });
})();
