package com.jeweller.crm;

import java.io.IOException;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

import jakarta.annotation.PreDestroy;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Order events over RabbitMQ with the plain Java client: the topic exchange AMQP_EXCHANGE (a second
 * set of stand-ins in the tests uses its own), queues named as the Node.js stand-ins name them.
 */
@Component
public class OrderEvents {
    private final Connection connection;
    private final Channel channel;
    private final String exchange;
    private final JdbcTemplate db;
    private final ObjectMapper json;

    public OrderEvents(JdbcTemplate db, ObjectMapper json)
            throws IOException, TimeoutException, URISyntaxException, GeneralSecurityException {
        this.db = db;
        this.json = json;
        String url = System.getenv("AMQP_URL");
        if (url == null || url.isEmpty()) throw new IllegalStateException("AMQP_URL is not set");
        String configured = System.getenv("AMQP_EXCHANGE");
        this.exchange = configured == null || configured.isEmpty() ? "orders" : configured;
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(url);
        this.connection = factory.newConnection("crm-api");
        this.channel = connection.createChannel();
        channel.exchangeDeclare(exchange, "topic", false);
        // Prices that MES computed from the 3D model (chain 1).
        consume("crm-api.priced", "order.priced", event ->
                db.update("UPDATE orders SET price = ? WHERE order_id = ?", event.get("price").asLong(), event.get("orderId").asText()));
        // Orders resellers placed through MES (chain 3).
        consume("crm-api.created", "order.created", event ->
                db.update("INSERT INTO orders (order_id, item, status) VALUES (?, ?, 'new') ON CONFLICT (order_id) DO NOTHING",
                        event.get("orderId").asText(), event.path("item").asText("ring")));
    }

    /** Publishes an order event with the ids the platform makes searchable; the agent adds the trace context. */
    public void publish(String routingKey, Map<String, Object> body, Map<String, String> idHeaders) throws IOException {
        Map<String, Object> headers = new HashMap<>(idHeaders);
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType("application/json").headers(headers).build();
        synchronized (channel) {
            channel.basicPublish(exchange, routingKey, properties, json.writeValueAsBytes(body));
        }
    }

    private interface Handler {
        void handle(JsonNode event) throws Exception;
    }

    private void consume(String queue, String pattern, Handler handler) throws IOException {
        String name = exchange.equals("orders") ? queue : exchange + "." + queue;
        channel.queueDeclare(name, false, false, false, null);
        channel.queueBind(name, exchange, pattern);
        channel.basicConsume(name, false, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) throws IOException {
                try {
                    handler.handle(json.readTree(body));
                    getChannel().basicAck(envelope.getDeliveryTag(), false);
                } catch (Exception e) {
                    System.err.println(queue + ": " + e.getMessage());
                    getChannel().basicNack(envelope.getDeliveryTag(), false, false);
                }
            }
        });
    }

    @PreDestroy
    public void close() throws IOException, TimeoutException {
        connection.close();
    }
}
