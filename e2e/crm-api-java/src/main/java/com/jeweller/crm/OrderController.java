package com.jeweller.crm;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Order confirmation (chain 2): CRM → CRM API → RabbitMQ → MES API → MES DB. */
@RestController
public class OrderController {
    private final JdbcTemplate db;
    private final OrderEvents events;

    public OrderController(JdbcTemplate db, OrderEvents events) {
        this.db = db;
        this.events = events;
    }

    @PostMapping("/orders/{orderId}/confirm")
    public Map<String, String> confirm(@PathVariable String orderId, @RequestParam(defaultValue = "") String note,
            @RequestHeader HttpHeaders headers) throws IOException {
        // The lookup carries whatever the operator typed, personal data included, as legacy code does:
        // the agent's SQL sanitizer and the collector must keep it out of the spans.
        db.queryForList("SELECT order_id FROM orders WHERE order_id = ? OR note = '" + note.replace("'", "''") + "'", orderId);
        db.update("UPDATE orders SET status = 'confirmed' WHERE order_id = ?", orderId);
        events.publish("order.confirmed", Map.of("orderId", orderId), idHeaders(headers));
        return Map.of("orderId", orderId, "status", "confirmed");
    }

    /** The ids the platform makes searchable, passed on downstream. */
    private static Map<String, String> idHeaders(HttpHeaders headers) {
        Map<String, String> ids = new HashMap<>();
        for (String name : new String[] {"x-order-id", "x-user-id"}) {
            String value = headers.getFirst(name);
            if (value != null) ids.put(name, value);
        }
        return ids;
    }
}
