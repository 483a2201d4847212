// MES API: prices orders from their 3D model, takes resellers' orders, lists active orders, and
// records confirmed orders for production.
"use strict";
const { env, db, rabbit, publish, consume, serve, call, idHeaders, sleep } = require("./common");

async function main() {
    const pool = db();
    const { channel } = await rabbit();
    const storage = env("STORAGE_URL");

    // Order confirmation reaches production: CRM API → RabbitMQ → MES API → MES DB.
    await consume(channel, "mes-api.confirmed", "order.confirmed", async (event) => {
        await pool.query(
            "INSERT INTO production_orders (order_id, status) VALUES ($1, 'queued') ON CONFLICT (order_id) DO UPDATE SET status = 'queued'",
            [event.orderId],
        );
    });

    serve([
        // Price calculation: MES API → 3D storage → MES API → RabbitMQ → CRM API → CRM DB.
        [
            "POST",
            /^\/orders\/([^/]+)\/price$/,
            async (m, req) => {
                const model = await call("GET", `${storage}/models/${m[1]}`, idHeaders(req));
                const price = Math.round(model.body.volumeMm3 * 0.42);
                publish(channel, "order.priced", { orderId: m[1], price }, idHeaders(req));
                return [200, { orderId: m[1], price }];
            },
        ],
        // Order creation by a reseller: API client → MES API → RabbitMQ → CRM API → CRM DB.
        [
            "PUT",
            /^\/orders\/([^/]+)$/,
            async (m, req, body) => {
                publish(channel, "order.created", { orderId: m[1], item: body.item ?? "ring" }, idHeaders(req));
                return [202, { orderId: m[1], accepted: true }];
            },
        ],
        // Active orders for operators: MES → MES API → MES DB.
        [
            "GET",
            /^\/orders\/([^/]+)\/active$/,
            async (m) => {
                const { rows } = await pool.query(
                    "SELECT order_id, status FROM production_orders WHERE status <> 'done' OR order_id = $1",
                    [m[1]],
                );
                return [200, { orders: rows }];
            },
        ],
        // Deliberately failing and slow routes, for tail sampling.
        ["POST", /^\/orders\/([^/]+)\/fail$/, async () => [500, { error: "pricing engine unavailable" }]],
        [
            "POST",
            /^\/orders\/([^/]+)\/slow$/,
            async (m) => {
                await sleep(Number(process.env.SLOW_MS ?? "1500"));
                return [200, { orderId: m[1] }];
            },
        ],
    ]);
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
