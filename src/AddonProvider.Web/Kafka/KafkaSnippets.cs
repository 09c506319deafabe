namespace AddonProvider.Web.Kafka;

/// <summary>
/// Getting-started code filled with the resource's brokers and user. The password is read from the config var
/// rather than pasted in, so the snippet keeps working across credential rotations and is safe to share.
/// </summary>
public static class KafkaSnippets
{
    public static IEnumerable<(string Language, string Code)> For(string brokers, string username, string topic) =>
    [
        ("C#", $$"""
            // dotnet add package Confluent.Kafka
            using Confluent.Kafka;

            var config = new ProducerConfig
            {
                BootstrapServers = "{{brokers}}",
                SecurityProtocol = SecurityProtocol.SaslSsl,
                SaslMechanism = SaslMechanism.ScramSha512,
                SaslUsername = "{{username}}",
                SaslPassword = Environment.GetEnvironmentVariable("KAFKACLUSTER_PASSWORD"),
            };
            using var producer = new ProducerBuilder<Null, string>(config).Build();
            await producer.ProduceAsync("{{topic}}", new Message<Null, string> { Value = "hello" });
            """),
        ("Node", $$"""
            // npm install kafkajs
            const { Kafka } = require('kafkajs');

            const kafka = new Kafka({
              brokers: '{{brokers}}'.split(','),
              ssl: true,
              sasl: { mechanism: 'scram-sha-512', username: '{{username}}', password: process.env.KAFKACLUSTER_PASSWORD },
            });
            const producer = kafka.producer();
            await producer.connect();
            await producer.send({ topic: '{{topic}}', messages: [{ value: 'hello' }] });
            """),
        ("Python", $$"""
            # pip install confluent-kafka
            import os
            from confluent_kafka import Producer

            producer = Producer({
                "bootstrap.servers": "{{brokers}}",
                "security.protocol": "SASL_SSL",
                "sasl.mechanism": "SCRAM-SHA-512",
                "sasl.username": "{{username}}",
                "sasl.password": os.environ["KAFKACLUSTER_PASSWORD"],
            })
            producer.produce("{{topic}}", b"hello")
            producer.flush()
            """),
    ];
}
