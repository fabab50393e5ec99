#include "AdminMessage.h"

namespace portico {

AdminResponse AdminResponse::json(int status, const TreeValue &body)
{
    AdminResponse response;
    response.status = status;
    response.body = body.toJson();
    return response;
}

AdminResponse AdminResponse::error(int status, const QString &message, const ConfigErrors &errors)
{
    TreeValue body = TreeValue::map();
    body.insert("error", message);
    if (!errors.empty()) {
        TreeValue list = TreeValue::list();
        for (const ConfigError &e : errors) {
            TreeValue item = TreeValue::map();
            item.insert("path", e.path).insert("message", e.message);
            list.append(std::move(item));
        }
        body.insert("errors", std::move(list));
    }
    return json(status, body);
}

AdminResponse AdminResponse::noContent()
{
    AdminResponse response;
    response.status = 204;
    response.contentType.clear();
    return response;
}

AdminResponse &AdminResponse::withHeader(const QByteArray &name, const QByteArray &value)
{
    headers.emplace_back(name, value);
    return *this;
}

} // namespace portico
