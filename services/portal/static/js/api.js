// Calls to the services through the portal's same-origin proxy: /api/<service>/v1/...
import * as session from "./session.js";

// `detail` is the refusal: RFC 9457 problem details {type, title, status, detail, field,
// reason, ...context}, as every service and the portal answer.
export class ApiError extends Error {
  constructor(status, detail, service) {
    super(`HTTP ${status}`);
    this.status = status;
    this.detail = detail;
    this.service = service;
  }
}

async function request(url, { method = "GET", body, token, service } = {}) {
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let reply;
  try {
    reply = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      credentials: "omit",
    });
  } catch (error) {
    throw new ApiError(0, { field: "network", reason: String(error) }, service);
  }
  const text = await reply.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { status: reply.status, field: "body", reason: text.slice(0, 200) };
    }
  }
  if (!reply.ok) throw new ApiError(reply.status, data, service);
  return data;
}

// A service's REST API, with the signed-in person's token.
export function call(service, path, options = {}) {
  return request(`/api/${service}${path}`, { ...options, token: session.token(), service });
}

export const get = (service, path) => call(service, path);
export const post = (service, path, body = undefined) =>
  call(service, path, { method: "POST", body });

// The portal's own routes (/dev/..., /config.json).
export function portal(path, { method = "GET", body, withToken = false } = {}) {
  return request(path, {
    method,
    body,
    token: withToken ? session.token() : null,
    service: "portal",
  });
}

let configPromise = null;
export function config() {
  if (!configPromise) configPromise = portal("/config.json");
  return configPromise;
}
