namespace AddonProvider.Web.Kafka;

/// <summary>
/// Getting-started code filled with the resource's brokers, user and full topic and group names (prefix included: the
/// ACLs allow nothing else). The password is read from the config var rather than pasted in, so the snippet keeps
/// working across credential rotations and is safe to share.
/// </summary>
public static class KafkaSnippets
{
    public static IEnumerable<(string Title, string Code)> For(string brokers, string username, string topic, string group) =>
    [
        ("C# producer", $$"""
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
        ("C# consumer", $$"""
            // dotnet add package Confluent.Kafka
            using Confluent.Kafka;

            var config = new ConsumerConfig
            {
                BootstrapServers = "{{brokers}}",
                SecurityProtocol = SecurityProtocol.SaslSsl,
                SaslMechanism = SaslMechanism.ScramSha512,
                SaslUsername = "{{username}}",
                SaslPassword = Environment.GetEnvironmentVariable("KAFKACLUSTER_PASSWORD"),
                GroupId = "{{group}}",
                AutoOffsetReset = AutoOffsetReset.Earliest,
            };
            using var consumer = new ConsumerBuilder<Ignore, string>(config).Build();
            consumer.Subscribe("{{topic}}");
            while (true) Console.WriteLine(consumer.Consume().Message.Value);
            """),
        ("Node producer", $$"""
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
        ("Node consumer", $$"""
            // npm install kafkajs
            const { Kafka } = require('kafkajs');

            const kafka = new Kafka({
              brokers: '{{brokers}}'.split(','),
              ssl: true,
              sasl: { mechanism: 'scram-sha-512', username: '{{username}}', password: process.env.KAFKACLUSTER_PASSWORD },
            });
            const consumer = kafka.consumer({ groupId: '{{group}}' });
            await consumer.connect();
            await consumer.subscribe({ topic: '{{topic}}', fromBeginning: true });
            await consumer.run({ eachMessage: async ({ message }) => console.log(message.value.toString()) });
            """),
        ("Python producer", $$"""
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
        ("Python consumer", $$"""
            # pip install confluent-kafka
            import os
            from confluent_kafka import Consumer

            consumer = Consumer({
                "bootstrap.servers": "{{brokers}}",
                "security.protocol": "SASL_SSL",
                "sasl.mechanism": "SCRAM-SHA-512",
                "sasl.username": "{{username}}",
                "sasl.password": os.environ["KAFKACLUSTER_PASSWORD"],
                "group.id": "{{group}}",
                "auto.offset.reset": "earliest",
            })
            consumer.subscribe(["{{topic}}"])
            while True:
                message = consumer.poll(1.0)
                if message is not None and message.error() is None:
                    print(message.value().decode())
            """),
    ];
}
