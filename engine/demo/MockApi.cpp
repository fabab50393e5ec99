#include "MockApi.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

namespace portico {

namespace {

QJsonObject user(int id, const char *name, const char *email)
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("name"), QString::fromUtf8(name)},
                       {QStringLiteral("email"), QString::fromUtf8(email)}};
}

QJsonArray orders()
{
    auto order = [](int id, int userId, const char *item, double total, const char *status) {
        return QJsonObject{{QStringLiteral("id"), id},
                           {QStringLiteral("user_id"), userId},
                           {QStringLiteral("item"), QString::fromUtf8(item)},
                           {QStringLiteral("total"), total},
                           {QStringLiteral("currency"), QStringLiteral("EUR")},
                           {QStringLiteral("status"), QString::fromUtf8(status)}};
    };
    return {order(1, 1, "Analytical Engine manual", 42.5, "shipped"),
            order(2, 2, "COBOL reference card", 9.9, "processing"),
            order(3, 3, "Enigma rotor set", 120.0, "delivered")};
}

QJsonArray payments(const QString &version)
{
    const bool v2 = version == QLatin1String("v2");
    auto payment = [v2](const char *id, int orderId, double amount, const char *status) {
        QJsonObject p{{QStringLiteral("id"), QString::fromUtf8(id)},
                      {QStringLiteral("order_id"), orderId},
                      {QStringLiteral("amount"), amount},
                      {QStringLiteral("currency"), QStringLiteral("EUR")},
                      {QStringLiteral("status"), QString::fromUtf8(status)}};
        if (v2) // the "new version" adds a field, so the two are easy to tell apart
            p.insert(QStringLiteral("method"), QStringLiteral("card"));
        return p;
    };
    return {payment("pay_1", 1, 42.5, "settled"), payment("pay_2", 2, 9.9, "pending"),
            payment("pay_3", 3, 120.0, "settled")};
}

// A header value as JSON: null when absent, so the user sees the gateway did not add it.
QJsonValue headerValue(const RequestHead &head, QByteArrayView name)
{
    const QByteArray v = head.headers.combinedValue(name);
    return v.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(QString::fromLatin1(v));
}

// One JSON value, compact (QJsonDocument only writes arrays and objects, hence the wrapper).
QByteArray toJson(const QJsonValue &value)
{
    const QByteArray array = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2);
}

bool parseId(const QString &s, int *id)
{
    bool ok = false;
    *id = s.toInt(&ok);
    return ok && *id > 0;
}

QJsonValue findById(const QJsonArray &items, const QJsonValue &id)
{
    for (const QJsonValue &item : items) {
        if (item.toObject().value(QStringLiteral("id")) == id)
            return item;
    }
    return QJsonValue(QJsonValue::Undefined);
}

bool isGetOrHead(const RequestHead &head)
{
    return head.method == "GET" || head.method == "HEAD";
}

} // namespace

MockApi::MockApi(QString service)
    : m_service(std::move(service))
{
    if (m_service == QLatin1String("payments"))
        m_version = QStringLiteral("v1");
    else if (m_service == QLatin1String("payments-v2"))
        m_version = QStringLiteral("v2");
    m_users = {user(1, "Ada Lovelace", "ada@example.test"),
               user(2, "Grace Hopper", "grace@example.test"),
               user(3, "Alan Turing", "alan@example.test")};
}

MockReply MockApi::handle(const RequestHead &head, const QByteArray &body)
{
    const QStringList segs = QString::fromLatin1(head.path()).split(u'/', Qt::SkipEmptyParts);
    if (segs.isEmpty())
        return notFound(head);
    if (m_service == QLatin1String("users") && segs[0] == QLatin1String("users"))
        return usersApi(head, body, segs);
    if (m_service == QLatin1String("orders") && segs[0] == QLatin1String("orders"))
        return ordersApi(head, segs);
    if (!m_version.isEmpty() && segs[0] == QLatin1String("payments"))
        return paymentsApi(head, segs);
    return notFound(head);
}

MockReply MockApi::usersApi(const RequestHead &head, const QByteArray &body,
                            const QStringList &segs)
{
    if (segs.size() == 1) {
        if (isGetOrHead(head))
            return reply(200, head, "users", m_users);
        if (head.method != "POST")
            return methodNotAllowed(head, "GET, HEAD, POST");
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject()) {
            return reply(400, head, "error", QStringLiteral("request body must be a JSON object"));
        }
        QJsonObject created = doc.object();
        created.insert(QStringLiteral("id"), m_nextUserId++);
        m_users.append(created);
        return reply(201, head, "user", created);
    }
    int id = 0;
    if (segs.size() != 2 || !parseId(segs[1], &id))
        return notFound(head);
    if (!isGetOrHead(head))
        return methodNotAllowed(head, "GET, HEAD");
    const QJsonValue found = findById(m_users, id);
    return found.isUndefined() ? notFound(head) : reply(200, head, "user", found);
}

MockReply MockApi::ordersApi(const RequestHead &head, const QStringList &segs)
{
    static const QJsonArray kOrders = orders();
    if (segs.size() > 2)
        return notFound(head);
    if (!isGetOrHead(head))
        return methodNotAllowed(head, "GET, HEAD");
    if (segs.size() == 1)
        return reply(200, head, "orders", kOrders);
    int id = 0;
    const QJsonValue found = parseId(segs[1], &id) ? findById(kOrders, id) : QJsonValue();
    return found.isObject() ? reply(200, head, "order", found) : notFound(head);
}

MockReply MockApi::paymentsApi(const RequestHead &head, const QStringList &segs)
{
    const QJsonArray all = payments(m_version);
    if (segs.size() > 2)
        return notFound(head);
    if (!isGetOrHead(head))
        return methodNotAllowed(head, "GET, HEAD");
    if (segs.size() == 1)
        return reply(200, head, "payments", all);
    const QJsonValue found = findById(all, segs[1]);
    return found.isObject() ? reply(200, head, "payment", found) : notFound(head);
}

MockReply MockApi::reply(int status, const RequestHead &head, const char *key,
                         const QJsonValue &value)
{
    // What the service saw: its own name, the path after the gateway's rewriting, and the
    // headers the gateway is expected to add. Written by hand to keep this order on screen
    // (QJsonObject would sort the keys).
    QList<std::pair<QByteArray, QJsonValue>> fields{
        {"service", m_service},
    };
    if (!m_version.isEmpty())
        fields.append({"version", m_version});
    fields.append({"method", QString::fromLatin1(head.method)});
    fields.append({"path", QString::fromLatin1(head.path())});
    fields.append(
        {"headers",
         QJsonObject{{QStringLiteral("X-Request-Id"), headerValue(head, "X-Request-Id")},
                     {QStringLiteral("X-Forwarded-For"), headerValue(head, "X-Forwarded-For")}}});
    fields.append({key, value});

    MockReply r;
    r.status = status;
    r.body = "{";
    for (const auto &[name, v] : fields) {
        if (r.body.size() > 1)
            r.body += ',';
        r.body += '"' + name + "\":" + toJson(v);
    }
    r.body += "}\n";
    return r;
}

MockReply MockApi::notFound(const RequestHead &head)
{
    return reply(404, head, "error", QStringLiteral("not found"));
}

MockReply MockApi::methodNotAllowed(const RequestHead &head, QByteArray allow)
{
    MockReply r = reply(405, head, "error", QStringLiteral("method not allowed"));
    r.allow = std::move(allow);
    return r;
}

} // namespace portico
