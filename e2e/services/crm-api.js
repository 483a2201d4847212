// CRM API: operators confirm orders; records prices and resellers' orders from MES.
"use strict";
const { db, rabbit, publish, consume, serve, idHeaders } = require("./common");

async function main() {
    const pool = db();
    const { channel } = await rabbit();

    await consume(channel, "crm-api.priced", "order.priced", async (event) => {
        await pool.query("UPDATE orders SET price = $2 WHERE order_id = $1", [event.orderId, event.price]);
    });
    await consume(channel, "crm-api.created", "order.created", async (event) => {
        await pool.query("INSERT INTO orders (order_id, item, status) VALUES ($1, $2, 'new') ON CONFLICT (order_id) DO NOTHING", [event.orderId, event.item]);
    });

    serve([
        // Order confirmation: CRM → CRM API → RabbitMQ → MES API → MES DB.
        [
            "POST",
            /^\/orders\/([^/]+)\/confirm$/,
            async (m, req, _body, url) => {
                // The lookup carries whatever the operator typed, personal data included: the collector must scrub it.
                await pool.query(`SELECT order_id FROM orders WHERE order_id = $1 OR note = '${(url.searchParams.get("note") ?? "").replace(/'/g, "''")}'`, [m[1]]);
                await pool.query("UPDATE orders SET status = 'confirmed' WHERE order_id = $1", [m[1]]);
                publish(channel, "order.confirmed", { orderId: m[1] }, idHeaders(req));
                return [200, { orderId: m[1], status: "confirmed" }];
            },
        ],
    ]);
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
