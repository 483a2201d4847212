// 3D files storage: serves the customer's model so MES API can price it.
"use strict";
const { serve } = require("./common");

serve([
    [
        "GET",
        /^\/models\/([^/]+)$/,
        async (m) => [200, { orderId: m[1], volumeMm3: 1830 + m[1].length * 7, material: "gold-585" }],
    ],
]);
