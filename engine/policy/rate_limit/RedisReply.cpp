#include "RedisReply.h"

#include <hiredis/hiredis.h>

namespace portico {

namespace {

RedisValue convert(const redisReply &reply)
{
    RedisValue value;
    switch (reply.type) {
    case REDIS_REPLY_INTEGER:
        value.type = RedisValue::Type::Integer;
        value.integer = reply.integer;
        break;
    case REDIS_REPLY_STRING:
        value.type = RedisValue::Type::String;
        value.string = QByteArray(reply.str, qsizetype(reply.len));
        break;
    case REDIS_REPLY_STATUS:
        value.type = RedisValue::Type::Status;
        value.string = QByteArray(reply.str, qsizetype(reply.len));
        break;
    case REDIS_REPLY_ERROR:
        value.type = RedisValue::Type::Error;
        value.string = QByteArray(reply.str, qsizetype(reply.len));
        break;
    case REDIS_REPLY_ARRAY:
        // Recursion is bounded: hiredis's reader refuses replies nested deeper than a few levels.
        value.type = RedisValue::Type::Array;
        value.elements.reserve(reply.elements);
        for (size_t i = 0; i < reply.elements; ++i)
            value.elements.push_back(convert(*reply.element[i]));
        break;
    case REDIS_REPLY_NIL:
    default:
        break;
    }
    return value;
}

// "text", with quotes, backslashes and bytes outside printable ASCII as \xNN.
QByteArray quoted(const QByteArray &bytes)
{
    QByteArray text = "\"";
    for (const char c : bytes) {
        const auto byte = uchar(c);
        if (byte < 0x20 || byte > 0x7e || c == '"' || c == '\\')
            text += "\\x" + QByteArray::number(byte, 16).rightJustified(2, '0');
        else
            text += c;
    }
    return text + '"';
}

} // namespace

QByteArray RedisValue::describe() const
{
    switch (type) {
    case Type::Nil: return QByteArrayLiteral("nil");
    case Type::Integer: return QByteArray::number(integer);
    case Type::String: return quoted(string);
    case Type::Status: return "(status) " + string;
    case Type::Error: return "(error) " + string;
    case Type::Array: {
        QByteArray text = "[";
        for (size_t i = 0; i < elements.size(); ++i) {
            if (i > 0)
                text += ", ";
            text += elements[i].describe();
        }
        return text + ']';
    }
    }
    return {};
}

RedisReply RedisReply::failure(QByteArray error)
{
    RedisReply reply;
    reply.error = std::move(error);
    return reply;
}

RedisReply RedisReply::fromHiredis(const ::redisReply &hiredisReply)
{
    RedisReply reply;
    reply.value = convert(hiredisReply);
    reply.ok = reply.value.type != RedisValue::Type::Error;
    if (!reply.ok)
        reply.error = reply.value.string;
    return reply;
}

} // namespace portico
