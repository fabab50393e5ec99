#include "RouteEditorDialog.h"

#include "NotAppliedNotice.h"
#include "RouteTesterDialog.h"
#include "views/FieldErrorLabel.h"

#include "config/ConfigService.h"
#include "config/ConfigValidator.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

namespace portico {

namespace {

const QString kDefaultKeyHeader = QStringLiteral("X-API-Key");

QStringList commonMethods()
{
    return {QStringLiteral("GET"),    QStringLiteral("POST"), QStringLiteral("PUT"),
            QStringLiteral("PATCH"),  QStringLiteral("DELETE"), QStringLiteral("HEAD"),
            QStringLiteral("OPTIONS")};
}

QStringList splitWords(const QString &text)
{
    static const QRegularExpression separators(QStringLiteral("[\\s,]+"));
    return text.split(separators, Qt::SkipEmptyParts);
}

QString itemText(const QStringList &items, int index, const QString &message)
{
    if (index < 0 || index >= items.size())
        return message;
    return QStringLiteral("\u201c%1\u201d: %2").arg(items[index], message);
}

// Puts the edited route where applying it puts it: in place of the original (its position
// decides ties in matching), or last when it is new. -1: the original is gone.
qsizetype placeRoute(Config &c, const QString &original, const RouteConfig &edited)
{
    if (original.isEmpty()) {
        c.routes.push_back(edited);
        return qsizetype(c.routes.size()) - 1;
    }
    for (size_t i = 0; i < c.routes.size(); ++i) {
        if (c.routes[i].name == original) {
            c.routes[i] = edited;
            return qsizetype(i);
        }
    }
    return -1;
}

} // namespace

RouteEditorDialog::RouteEditorDialog(ControlRoom room, const RouteConfig *original,
                                     QWidget *parent)
    : QDialog(parent)
    , m_room(room)
    , m_base(original ? *original : RouteConfig())
    , m_originalName(original ? original->name : QString())
    , m_revision(room.config->revision())
    , m_name(new QLineEdit)
    , m_paths(new QPlainTextEdit)
    , m_hosts(new QLineEdit)
    , m_otherMethods(new QLineEdit)
    , m_service(new QComboBox)
    , m_stripPath(new QCheckBox(tr("Strip the matched path prefix before forwarding")))
    , m_enabled(new QCheckBox(tr("Enabled")))
    , m_authKey(new QCheckBox(tr("API key")))
    , m_authJwt(new QCheckBox(tr("JWT")))
    , m_keyHeader(new QLineEdit)
    , m_maxBodyKiB(new QSpinBox)
    , m_general(new FieldErrorLabel(QStringLiteral("generalError")))
    , m_notice(new FieldErrorLabel(QStringLiteral("applyError")))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel))
    , m_validateTimer(new QTimer(this))
    , m_errors(m_general)
{
    setObjectName(QStringLiteral("routeEditor"));
    setWindowTitle(original ? tr("Edit route %1").arg(original->name) : tr("Add route"));
    if (!original && !room.config->config().services.empty())
        m_base.service = room.config->config().services.front().name;

    m_buttons->setObjectName(QStringLiteral("buttons"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(original ? tr("Apply") : tr("Add route"));
    QPushButton *test = m_buttons->addButton(tr("&Test\u2026"), QDialogButtonBox::ActionRole);
    test->setObjectName(QStringLiteral("testRoute"));
    test->setIcon(portIcon("test"));
    test->setToolTip(tr("Try a request against the route as edited here, before applying it"));
    connect(test, &QPushButton::clicked, this, &RouteEditorDialog::openTester);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &RouteEditorDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &RouteEditorDialog::reject);

    auto *columns = new QHBoxLayout;
    columns->addWidget(buildMatching(), 1);
    columns->addWidget(buildForwarding(), 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(columns);
    layout->addWidget(m_general);
    layout->addWidget(m_notice);
    layout->addWidget(m_buttons);
    setUpErrors();
    load(m_base);

    m_validateTimer->setSingleShot(true);
    m_validateTimer->setInterval(150);
    connect(m_validateTimer, &QTimer::timeout, this, &RouteEditorDialog::validateNow);
    const auto changed = [this] { scheduleValidation(); };
    for (QLineEdit *edit : {m_name, m_hosts, m_otherMethods, m_keyHeader})
        connect(edit, &QLineEdit::textChanged, this, changed);
    connect(m_paths, &QPlainTextEdit::textChanged, this, changed);
    connect(m_service, &QComboBox::currentIndexChanged, this, changed);
    for (QCheckBox *box : m_methods)
        connect(box, &QCheckBox::toggled, this, changed);
    for (QCheckBox *box : {m_stripPath, m_enabled, m_authKey, m_authJwt})
        connect(box, &QCheckBox::toggled, this, changed);
    connect(m_authKey, &QCheckBox::toggled, m_keyHeader, &QWidget::setEnabled);
    for (QSpinBox *spin : m_limits)
        connect(spin, &QSpinBox::valueChanged, this, changed);
    connect(m_maxBodyKiB, &QSpinBox::valueChanged, this, changed);
    // Reloaded elsewhere: check against what is stored now (applying will say it conflicts).
    connect(m_room.config, &ConfigService::configChanged, this, changed);

    validateNow();
    m_name->setFocus();
}

QWidget *RouteEditorDialog::buildMatching()
{
    auto *group = new QGroupBox(tr("Which requests"));
    auto *form = new QFormLayout(group);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    m_name->setObjectName(QStringLiteral("routeName"));
    m_name->setPlaceholderText(tr("users"));
    m_name->setMaxLength(128);
    form->addRow(
        tr("&Name:"),
        withErrorLabel(m_name, errorLabel(QStringLiteral("name"), QStringLiteral("nameError"))));

    m_paths->setObjectName(QStringLiteral("routePaths"));
    m_paths->setPlaceholderText(QStringLiteral("/users\n=/health\n~^/items/[0-9]+$"));
    m_paths->setTabChangesFocus(true);
    m_paths->setFixedHeight(m_paths->fontMetrics().lineSpacing() * 5 + 12);
    auto *pathsHint =
        new QLabel(tr("One per line: /prefix (on segment boundaries), =/exact, ~regex."));
    form->addRow(tr("&Paths:"),
                 withErrorLabel(m_paths,
                                errorLabel(QStringLiteral("paths"), QStringLiteral("pathsError")),
                                pathsHint));

    m_hosts->setObjectName(QStringLiteral("routeHosts"));
    m_hosts->setPlaceholderText(tr("any host (or: api.example.test, *.example.test)"));
    form->addRow(
        tr("&Hosts:"),
        withErrorLabel(m_hosts, errorLabel(QStringLiteral("hosts"), QStringLiteral("hostsError"))));

    auto *methods = new QWidget;
    auto *grid = new QGridLayout(methods);
    grid->setContentsMargins(0, 0, 0, 0);
    const QStringList common = commonMethods();
    for (int i = 0; i < common.size(); ++i) {
        auto *box = new QCheckBox(common[i]);
        box->setObjectName(QStringLiteral("method_") + common[i]);
        m_methods.insert(common[i], box);
        grid->addWidget(box, i / 4, i % 4);
    }
    m_otherMethods->setObjectName(QStringLiteral("routeOtherMethods"));
    m_otherMethods->setPlaceholderText(tr("other methods"));
    grid->addWidget(m_otherMethods, 2, 0, 1, 4);
    auto *methodsHint = new QLabel(tr("None ticked: any method."));
    form->addRow(tr("Methods:"),
                 withErrorLabel(
                     methods, errorLabel(QStringLiteral("methods"), QStringLiteral("methodsError")),
                     methodsHint));
    return group;
}

QWidget *RouteEditorDialog::buildForwarding()
{
    auto *group = new QGroupBox(tr("Where to and how"));
    auto *form = new QFormLayout(group);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    m_service->setObjectName(QStringLiteral("routeService"));
    for (const ServiceConfig &s : m_room.config->config().services)
        m_service->addItem(s.name);
    m_service->setPlaceholderText(tr("no services yet: add one on the Services page"));
    form->addRow(
        tr("&Service:"),
        withErrorLabel(m_service,
                       errorLabel(QStringLiteral("service"), QStringLiteral("serviceError"))));

    m_stripPath->setObjectName(QStringLiteral("routeStripPath"));
    m_enabled->setObjectName(QStringLiteral("routeEnabled"));
    form->addRow(QString(), m_stripPath);
    form->addRow(QString(), m_enabled);

    auto *auth = new QWidget;
    auto *authRow = new QHBoxLayout(auth);
    authRow->setContentsMargins(0, 0, 0, 0);
    m_authKey->setObjectName(QStringLiteral("authKey"));
    m_authJwt->setObjectName(QStringLiteral("authJwt"));
    authRow->addWidget(m_authKey);
    authRow->addWidget(m_authJwt);
    authRow->addStretch(1);
    auto *authHint = new QLabel(tr("None ticked: public. Both: either one passes."));
    form->addRow(tr("Authentication:"),
                 withErrorLabel(auth,
                                errorLabel(QStringLiteral("auth"), QStringLiteral("authError")),
                                authHint));

    m_keyHeader->setObjectName(QStringLiteral("routeKeyHeader"));
    m_keyHeader->setPlaceholderText(kDefaultKeyHeader);
    form->addRow(
        tr("&Key header:"),
        withErrorLabel(m_keyHeader,
                       errorLabel(QStringLiteral("key_header"), QStringLiteral("keyHeaderError"))));

    auto *limits = new QWidget;
    auto *grid = new QGridLayout(limits);
    grid->setContentsMargins(0, 0, 0, 0);
    const std::pair<const char *, QString> windows[] = {{"second", tr("per second")},
                                                        {"minute", tr("per minute")},
                                                        {"hour", tr("per hour")},
                                                        {"day", tr("per day")},
                                                        {"month", tr("per month")}};
    int i = 0;
    for (const auto &[key, label] : windows) {
        auto *spin = new QSpinBox;
        spin->setObjectName(QStringLiteral("limit_") + QLatin1String(key));
        spin->setRange(0, std::numeric_limits<int>::max());
        spin->setSpecialValueText(tr("no limit"));
        spin->setGroupSeparatorShown(true);
        spin->setAccelerated(true);
        m_limits.insert(QLatin1String(key), spin);
        grid->addWidget(new QLabel(label), i, 0);
        grid->addWidget(spin, i, 1);
        ++i;
    }
    auto *limitsHint = new QLabel(tr("Per consumer, or per client address for anonymous "
                                     "callers."));
    form->addRow(
        tr("Rate limit:"),
        withErrorLabel(limits,
                       errorLabel(QStringLiteral("rate_limit"), QStringLiteral("rateLimitError")),
                       limitsHint));

    m_maxBodyKiB->setObjectName(QStringLiteral("routeMaxBody"));
    m_maxBodyKiB->setRange(-1, std::numeric_limits<int>::max());
    m_maxBodyKiB->setSuffix(tr(" KiB"));
    const qint64 defaultBody = m_room.config->config().settings.limits.maxBodyBytes;
    m_maxBodyKiB->setSpecialValueText(
        tr("settings default (%1)").arg(QLocale().formattedDataSize(defaultBody)));
    form->addRow(tr("Max &body:"),
                 withErrorLabel(
                     m_maxBodyKiB,
                     errorLabel(QStringLiteral("max_body_bytes"), QStringLiteral("maxBodyError"))));
    return group;
}

FieldErrorLabel *RouteEditorDialog::errorLabel(const QString &field, const QString &objectName)
{
    return m_errorLabels[field] = new FieldErrorLabel(objectName);
}

void RouteEditorDialog::setUpErrors()
{
    // The validator's field names (routes[i].<field>) and the labels that show them.
    m_errors.addField(QStringLiteral("name"), m_errorLabels.value(QStringLiteral("name")));
    m_errors.addField(QStringLiteral("paths"), m_errorLabels.value(QStringLiteral("paths")),
                      [this](int index, const QString &, const QString &message) {
                          return itemText(m_checked.paths, index, message);
                      });
    m_errors.addField(QStringLiteral("hosts"), m_errorLabels.value(QStringLiteral("hosts")),
                      [this](int index, const QString &, const QString &message) {
                          return itemText(m_checked.hosts, index, message);
                      });
    m_errors.addField(QStringLiteral("methods"), m_errorLabels.value(QStringLiteral("methods")),
                      [this](int index, const QString &, const QString &message) {
                          return itemText(m_checked.methods, index, message);
                      });
    m_errors.addField(QStringLiteral("service"), m_errorLabels.value(QStringLiteral("service")));
    m_errors.addField(QStringLiteral("auth"), m_errorLabels.value(QStringLiteral("auth")));
    for (const char *field : {"key_header", "key_in_query"})
        m_errors.addField(QLatin1String(field), m_errorLabels.value(QStringLiteral("key_header")));
    m_errors.addField(QStringLiteral("rate_limit"),
                      m_errorLabels.value(QStringLiteral("rate_limit")),
                      [](int, const QString &window, const QString &message) {
                          return window.isEmpty() ? message
                                                  : tr("per %1: %2").arg(window, message);
                      });
    m_errors.addField(QStringLiteral("max_body_bytes"),
                      m_errorLabels.value(QStringLiteral("max_body_bytes")));
}

void RouteEditorDialog::load(const RouteConfig &route)
{
    m_name->setText(route.name);
    m_paths->setPlainText(route.paths.join(u'\n'));
    m_hosts->setText(route.hosts.join(QStringLiteral(", ")));
    QStringList others;
    for (const QString &method : route.methods) {
        if (QCheckBox *box = m_methods.value(method))
            box->setChecked(true);
        else
            others.append(method);
    }
    m_otherMethods->setText(others.join(u' '));
    if (!route.service.isEmpty() && m_service->findText(route.service) < 0)
        m_service->addItem(route.service); // the validator will say it is unknown
    m_service->setCurrentIndex(m_service->findText(route.service));
    m_stripPath->setChecked(route.stripPath);
    m_enabled->setChecked(route.enabled);
    m_authKey->setChecked(route.auth.contains(QStringLiteral("key")));
    m_authJwt->setChecked(route.auth.contains(QStringLiteral("jwt")));
    m_keyHeader->setText(route.keyHeader);
    m_keyHeader->setEnabled(m_authKey->isChecked());
    const LimitsConfig &l = route.rateLimit;
    for (const auto &[key, value] : l.windows())
        m_limits.value(QLatin1String(key))
            ->setValue(int(qMin<qint64>(value, std::numeric_limits<int>::max())));
    m_maxBodyKiB->setValue(route.maxBodyBytes < 0
                               ? -1
                               : int(qMin<qint64>((route.maxBodyBytes + 1023) / 1024,
                                                  std::numeric_limits<int>::max())));
}

RouteConfig RouteEditorDialog::route() const
{
    RouteConfig r = m_base;
    r.name = m_name->text().trimmed();
    r.paths.clear();
    for (const QString &line : m_paths->toPlainText().split(u'\n')) {
        if (!line.trimmed().isEmpty())
            r.paths.append(line.trimmed());
    }
    r.hosts = splitWords(m_hosts->text());
    r.methods.clear();
    for (const QString &method : commonMethods()) {
        if (m_methods.value(method)->isChecked())
            r.methods.append(method);
    }
    for (const QString &method : splitWords(m_otherMethods->text())) {
        if (!r.methods.contains(method.toUpper()))
            r.methods.append(method.toUpper());
    }
    r.service = m_service->currentText();
    r.stripPath = m_stripPath->isChecked();
    r.enabled = m_enabled->isChecked();
    r.auth.clear();
    if (m_authKey->isChecked())
        r.auth.append(QStringLiteral("key"));
    if (m_authJwt->isChecked())
        r.auth.append(QStringLiteral("jwt"));
    // Settings that only mean something with an authentication go with it: unticking "API
    // key" must not leave an error on a field that no longer applies.
    if (m_authKey->isChecked()) {
        r.keyHeader = m_keyHeader->text().trimmed().isEmpty() ? kDefaultKeyHeader
                                                              : m_keyHeader->text().trimmed();
    } else {
        r.keyHeader = kDefaultKeyHeader;
        r.keyInQuery = false;
    }
    if (!m_authJwt->isChecked()) {
        r.jwtProviders.clear();
        r.jwtAnonymous = false;
    }
    if (r.auth.isEmpty()) {
        r.allowGroups.clear();
        r.denyGroups.clear();
    }
    for (const auto &[key, value] : r.rateLimit.mutableWindows())
        *value = m_limits.value(QLatin1String(key))->value();
    const int kib = m_maxBodyKiB->value();
    // An exact byte count that is not whole KiB stays as it was unless the field changed.
    const bool bodyAsLoaded = m_base.maxBodyBytes >= 0
        && kib == int(qMin<qint64>((m_base.maxBodyBytes + 1023) / 1024,
                                   std::numeric_limits<int>::max()));
    r.maxBodyBytes = kib < 0 ? -1 : bodyAsLoaded ? m_base.maxBodyBytes : qint64(kib) * 1024;
    return r;
}

void RouteEditorDialog::scheduleValidation()
{
    m_validateTimer->start();
}

void RouteEditorDialog::validateNow()
{
    m_validateTimer->stop();
    const Config &current = m_room.config->config();
    Config candidate = current;
    // The edited route goes last: whatever it collides with (a name) is then reported on it.
    std::erase_if(candidate.routes,
                  [&](const RouteConfig &r) { return !m_originalName.isEmpty() &&
                                                     r.name == m_originalName; });
    m_checked = route();
    candidate.routes.push_back(m_checked);
    ConfigErrors errors = validateConfig(candidate, &current);
    // "(also routes[0])" means little to a user; the route's name does.
    static const QRegularExpression other(QStringLiteral(R"(\broutes\[(\d+)\])"));
    for (ConfigError &e : errors) {
        QRegularExpressionMatch m;
        while ((m = other.match(e.message)).hasMatch()) {
            const size_t i = m.captured(1).toULongLong();
            const QString name = i < candidate.routes.size() ? candidate.routes[i].name : QString();
            e.message.replace(m.capturedStart(), m.capturedLength(),
                              tr("route \u201c%1\u201d").arg(name));
        }
    }
    showErrors(errors, QStringLiteral("routes[%1]").arg(candidate.routes.size() - 1));
}

void RouteEditorDialog::showErrors(const ConfigErrors &errors, const QString &prefix)
{
    m_errors.show(errors, prefix);
    m_errorCount = int(errors.size());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(m_errorCount == 0);
}

Config RouteEditorDialog::editedConfig() const
{
    Config edited = m_room.config->config();
    if (placeRoute(edited, m_originalName, route()) < 0)
        edited.routes.push_back(route()); // removed meanwhile: tested as if added again
    return edited;
}

RouteTesterDialog *RouteEditorDialog::openTester()
{
    const RouteConfig edited = route();
    const QString name = edited.name.isEmpty() ? tr("the new route") : edited.name;
    return RouteTesterDialog::openOn(
        m_room, editedConfig(),
        m_originalName.isEmpty() ? tr("the configuration with your unsaved route %1").arg(name)
                                 : tr("your unsaved edit of route %1").arg(name),
        edited.methods.isEmpty() ? QStringLiteral("GET") : edited.methods.front(),
        RouteTesterDialog::suggestedUrl(m_room.config->config(), &edited, m_room.engine), {},
        this);
}

QString RouteEditorDialog::notice() const
{
    return m_notice->text();
}

void RouteEditorDialog::accept()
{
    m_notice->setMessage(QString());
    validateNow();
    if (m_errorCount > 0)
        return;
    const RouteConfig edited = route();
    const QString original = m_originalName;
    const QString summary = editSummary(QStringLiteral("route"), original, edited.name);

    qsizetype index = -1;
    const StoreResult result = m_room.config->edit(
        ConfigSource::Gui, summary, m_revision, [&](Config &c) {
            index = placeRoute(c, original, edited);
            if (index >= 0)
                return EditOutcome{};
            return EditOutcome{StoreResult::Status::NotFound,
                               {{QString(), tr("route %1 no longer exists").arg(original)}},
                               {}};
        });
    switch (result.status) {
    case StoreResult::Status::Ok:
    case StoreResult::Status::Unchanged:
        m_appliedName = edited.name;
        QDialog::accept();
        return;
    case StoreResult::Status::Invalid:
        showErrors(result.errors, QStringLiteral("routes[%1]").arg(index));
        return;
    case StoreResult::Status::Conflict:
        // Nothing of the other change is overwritten: the user sees it and decides. Fields
        // this editor does not show take the stored route's values meanwhile.
        m_revision = m_room.config->revision();
        for (const RouteConfig &r : m_room.config->config().routes) {
            if (!original.isEmpty() && r.name == original)
                m_base = r;
        }
        [[fallthrough]];
    default:
        m_notice->setMessage(notAppliedNotice(
            result, m_revision, m_buttons->button(QDialogButtonBox::Ok)->text()));
        return;
    }
}

} // namespace portico
