// Shared plumbing of the stand-ins: JSON over node:http, PostgreSQL and RabbitMQ clients.
// No tracing code: spans come from @opentelemetry/auto-instrumentations-node, preloaded through
// NODE_OPTIONS exactly as the OpenTelemetry Operator injects it.
"use strict";
const http = require("node:http");
const { Pool } = require("pg");
const amqp = require("amqplib");

const env = (name) => {
    const value = process.env[name];
    if (value === undefined || value === "") throw new Error(`${name} is not set`);
    return value;
};

const db = () => new Pool({ connectionString: env("DATABASE_URL"), max: 4 });

/** The topic exchange order events travel through (a second pipeline in the tests uses its own). */
const exchange = process.env.AMQP_EXCHANGE || "orders";

async function rabbit() {
    const connection = await amqp.connect(env("AMQP_URL"));
    const channel = await connection.createChannel();
    await channel.assertExchange(exchange, "topic", { durable: false });
    return { connection, channel };
}

/** Publishes an order event; the amqplib instrumentation carries the trace context in the headers. */
function publish(channel, routingKey, body, headers) {
    channel.publish(exchange, routingKey, Buffer.from(JSON.stringify(body)), {
        contentType: "application/json",
        headers,
    });
}

/** Consumes order events bound to `pattern` into a queue of this service. */
async function consume(channel, queue, pattern, handler) {
    const name = exchange === "orders" ? queue : `${exchange}.${queue}`;
    await channel.assertQueue(name, { durable: false });
    await channel.bindQueue(name, exchange, pattern);
    await channel.consume(name, async (msg) => {
        if (msg === null) return;
        try {
            await handler(JSON.parse(msg.content.toString()), msg);
            channel.ack(msg);
        } catch (err) {
            console.error(`${queue}: ${err.message}`);
            channel.nack(msg, false, false);
        }
    });
}

/** routes: [method, RegExp, async (match, req, body) => [status, json]] */
function serve(routes) {
    const server = http.createServer((req, res) => {
        let raw = "";
        req.on("data", (chunk) => (raw += chunk));
        req.on("end", async () => {
            const url = new URL(req.url, "http://localhost");
            const route = routes.find(([method, path]) => method === req.method && path.test(url.pathname));
            if (route === undefined) return send(res, 404, { error: "not found" });
            try {
                const [status, body] = await route[2](
                    url.pathname.match(route[1]),
                    req,
                    raw === "" ? {} : JSON.parse(raw),
                    url,
                );
                send(res, status, body);
            } catch (err) {
                send(res, 500, { error: err.message });
            }
        });
    });
    server.listen(Number(env("PORT")), "127.0.0.1", () =>
        console.log(`${env("OTEL_SERVICE_NAME")} listening on ${env("PORT")}`),
    );
    // The auto-instrumentation listens for SIGTERM to flush its spans, which keeps Node from exiting
    // on it: stop taking requests, give the flush a moment, then leave (as a pod's process should).
    process.once("SIGTERM", () => {
        server.close();
        setTimeout(() => process.exit(0), 500);
    });
    return server;
}

function send(res, status, body) {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
}

/** Calls another stand-in; the http instrumentation propagates the trace context. */
function call(method, url, headers = {}) {
    return new Promise((resolve, reject) => {
        const req = http.request(url, { method, headers }, (res) => {
            let raw = "";
            res.on("data", (c) => (raw += c));
            res.on("end", () => resolve({ status: res.statusCode, body: raw === "" ? null : JSON.parse(raw) }));
        });
        req.on("error", reject);
        req.end();
    });
}

/** Headers worth passing on downstream: the ids the platform makes searchable. */
const idHeaders = (req) =>
    Object.fromEntries(
        ["x-order-id", "x-user-id"].filter((h) => req.headers[h] !== undefined).map((h) => [h, req.headers[h]]),
    );

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

module.exports = { env, db, rabbit, publish, consume, serve, call, idHeaders, sleep };
