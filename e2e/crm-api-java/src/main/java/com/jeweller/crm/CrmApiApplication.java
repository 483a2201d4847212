package com.jeweller.crm;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * CRM API: operators confirm orders; records prices and resellers' orders that MES publishes. The
 * Java counterpart of the Node.js stand-in, with no tracing code: the OpenTelemetry Java agent
 * instruments Tomcat, Spring Web MVC, JDBC and the RabbitMQ client.
 */
@SpringBootApplication
public class CrmApiApplication {
    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(CrmApiApplication.class);
        app.setDefaultProperties(datasourceProperties(System.getenv("DATABASE_URL")));
        app.run(args);
    }

    /** postgres://user[:password]@host:port/db, as the other stand-ins take it, into Spring's JDBC settings. */
    static Map<String, Object> datasourceProperties(String databaseUrl) {
        if (databaseUrl == null || databaseUrl.isEmpty()) throw new IllegalStateException("DATABASE_URL is not set");
        URI uri = URI.create(databaseUrl);
        String[] credentials = uri.getUserInfo() == null ? new String[0] : uri.getUserInfo().split(":", 2);
        Map<String, Object> properties = new HashMap<>();
        properties.put("spring.datasource.url", "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath());
        if (credentials.length > 0) properties.put("spring.datasource.username", credentials[0]);
        if (credentials.length > 1) properties.put("spring.datasource.password", credentials[1]);
        return properties;
    }
}
