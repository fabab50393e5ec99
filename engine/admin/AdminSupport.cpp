#include "AdminSupport.h"

namespace portico {

QByteArray revisionTag(qint64 revision)
{
    return '"' + QByteArray::number(revision) + '"';
}

std::optional<qint64> expectedRevision(const AdminRequest &request)
{
    const QByteArray value = request.headers.value("If-Match").trimmed();
    if (value.isEmpty() || value == "*")
        return 0;
    QByteArray tag = value;
    if (tag.size() >= 2 && tag.startsWith('"') && tag.endsWith('"'))
        tag = tag.sliced(1, tag.size() - 2);
    bool ok = false;
    const qint64 revision = tag.toLongLong(&ok);
    if (!ok || revision <= 0)
        return std::nullopt;
    return revision;
}

AdminResponse badIfMatch()
{
    return AdminResponse::error(400, QStringLiteral("If-Match must be a revision such as \"12\" "
                                                    "(the ETag of a read)"));
}

AdminResponse storeResponse(const StoreResult &result, int okStatus, const TreeValue &body)
{
    AdminResponse response;
    using Status = StoreResult::Status;
    switch (result.status) {
    case Status::Ok:
    case Status::Unchanged:
        response = body.kind() == TreeValue::Kind::Null ? AdminResponse::noContent()
                                                        : AdminResponse::json(okStatus, body);
        break;
    case Status::Invalid:
        response = AdminResponse::error(400, QStringLiteral("invalid configuration"),
                                        result.errors);
        break;
    case Status::NotFound:
        response = AdminResponse::error(
            404, result.errors.empty() ? QStringLiteral("not found") : result.errors[0].message);
        break;
    case Status::Conflict:
        response = AdminResponse::error(409, result.errors.empty()
                                                 ? QStringLiteral("conflict")
                                                 : result.errors[0].toString());
        break;
    case Status::Failed:
        response = AdminResponse::error(500, result.errors.empty()
                                                 ? QStringLiteral("the store refused the change")
                                                 : result.errors[0].toString());
        break;
    }
    return response.withHeader("ETag", revisionTag(result.revision));
}

std::optional<Page> pageOf(const AdminRequest &request, QString *error)
{
    Page page;
    const auto read = [&](const char *name, qsizetype &out, qsizetype min, qsizetype max) {
        const QString text = request.query.queryItemValue(QLatin1String(name));
        if (text.isEmpty())
            return true;
        bool ok = false;
        const qlonglong value = text.toLongLong(&ok);
        if (!ok || value < min || value > max) {
            *error = QStringLiteral("%1 must be an integer between %2 and %3")
                         .arg(QLatin1String(name))
                         .arg(min)
                         .arg(max);
            return false;
        }
        out = qsizetype(value);
        return true;
    };
    if (!read("offset", page.offset, 0, std::numeric_limits<int>::max())
        || !read("limit", page.limit, 1, 1000))
        return std::nullopt;
    return page;
}

TreeValue pageBody(TreeValue data, const Page &page, qsizetype total, const QString &path)
{
    TreeValue body = TreeValue::map();
    body.insert("data", std::move(data))
        .insert("offset", qint64(page.offset))
        .insert("limit", qint64(page.limit))
        .insert("total", qint64(total));
    if (page.offset + page.limit < total)
        body.insert("next", QStringLiteral("%1?offset=%2&limit=%3")
                                .arg(path)
                                .arg(page.offset + page.limit)
                                .arg(page.limit));
    else
        body.insert("next", TreeValue());
    return body;
}

AdminResponse methodNotAllowed(const QByteArray &allow)
{
    return AdminResponse::error(405, QStringLiteral("method not allowed; use %1")
                                         .arg(QString::fromLatin1(allow)))
        .withHeader("Allow", allow);
}

AdminResponse notFound(const QString &what)
{
    return AdminResponse::error(404, what);
}

} // namespace portico
