// Shop API: the Internet shop creates orders.
"use strict";
const { db, serve } = require("./common");

const pool = db();
serve([
    [
        "POST",
        /^\/orders\/([^/]+)$/,
        async (m, _req, body) => {
            await pool.query("INSERT INTO shop_orders (order_id, customer_email) VALUES ($1, $2) ON CONFLICT (order_id) DO NOTHING", [m[1], body.email ?? null]);
            return [201, { orderId: m[1] }];
        },
    ],
]);
