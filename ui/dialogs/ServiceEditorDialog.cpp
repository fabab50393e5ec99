#include "ServiceEditorDialog.h"

#include "NotAppliedNotice.h"
#include "views/FieldErrorLabel.h"

#include "certs/CertificateInfo.h"
#include "config/ConfigService.h"
#include "config/ConfigValidator.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace portico {

namespace {

QSpinBox *msSpin(const QString &objectName, int max)
{
    auto *spin = new QSpinBox;
    spin->setObjectName(objectName);
    spin->setRange(0, max);
    spin->setSuffix(QStringLiteral(" ms"));
    spin->setGroupSeparatorShown(true);
    spin->setAccelerated(true);
    return spin;
}

} // namespace

ServiceEditorDialog::ServiceEditorDialog(ControlRoom room, const ServiceConfig *original,
                                         QWidget *parent)
    : QDialog(parent)
    , m_room(room)
    , m_base(original ? *original : ServiceConfig())
    , m_originalName(original ? original->name : QString())
    , m_revision(room.config->revision())
    , m_name(new QLineEdit)
    , m_targets(new QTableWidget(0, 2))
    , m_connectTimeout(msSpin(QStringLiteral("serviceConnectTimeout"), 24 * 3'600'000))
    , m_readTimeout(msSpin(QStringLiteral("serviceReadTimeout"), 24 * 3'600'000))
    , m_retries(new QSpinBox)
    , m_preserveHost(new QCheckBox(tr("Send the client's Host header (otherwise the target's)")))
    , m_tlsVerify(new QCheckBox(tr("Verify their certificates")))
    , m_tlsServerName(new QLineEdit)
    , m_caBundleSummary(new QLabel)
    , m_clientCertificate(new QComboBox)
    , m_general(new FieldErrorLabel(QStringLiteral("generalError")))
    , m_notice(new FieldErrorLabel(QStringLiteral("applyError")))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel))
    , m_validateTimer(new QTimer(this))
    , m_errors(m_general)
{
    setObjectName(QStringLiteral("serviceEditor"));
    setWindowTitle(original ? tr("Edit service %1").arg(original->name) : tr("Add service"));
    if (!original)
        m_base.targets.push_back(TargetConfig{QStringLiteral("http://127.0.0.1:9000"), 100});

    m_name->setObjectName(QStringLiteral("serviceName"));
    m_name->setPlaceholderText(tr("users"));
    m_name->setMaxLength(128);

    m_targets->setObjectName(QStringLiteral("serviceTargets"));
    m_targets->setHorizontalHeaderLabels({tr("URL"), tr("Weight")});
    m_targets->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_targets->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_targets->verticalHeader()->hide();
    m_targets->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_targets->setSelectionMode(QAbstractItemView::SingleSelection);
    m_targets->setMinimumHeight(5 * m_targets->fontMetrics().lineSpacing() + 24);
    auto *addButton = new QPushButton(portIcon("add"), tr("Add target"));
    addButton->setObjectName(QStringLiteral("serviceAddTarget"));
    auto *removeButton = new QPushButton(portIcon("delete"), tr("Remove target"));
    removeButton->setObjectName(QStringLiteral("serviceRemoveTarget"));
    connect(addButton, &QPushButton::clicked, this, [this] { addTarget(); });
    connect(removeButton, &QPushButton::clicked, this, &ServiceEditorDialog::removeSelectedTarget);
    auto *targetButtons = new QHBoxLayout;
    targetButtons->addWidget(addButton);
    targetButtons->addWidget(removeButton);
    targetButtons->addStretch(1);
    auto *targetsHint = new QLabel(tr("Requests are shared by weight (0 takes a target out of "
                                      "rotation)."));
    targetsHint->setForegroundRole(QPalette::PlaceholderText);
    targetsHint->setWordWrap(true);
    auto *targetsBox = new QWidget;
    auto *targetsLayout = new QVBoxLayout(targetsBox);
    targetsLayout->setContentsMargins(0, 0, 0, 0);
    targetsLayout->setSpacing(2);
    targetsLayout->addWidget(m_targets);
    targetsLayout->addLayout(targetButtons);
    targetsLayout->addWidget(targetsHint);
    auto *targetsError = new FieldErrorLabel(QStringLiteral("targetsError"));
    targetsLayout->addWidget(targetsError);

    m_retries->setObjectName(QStringLiteral("serviceRetries"));
    m_retries->setRange(0, 5);
    m_preserveHost->setObjectName(QStringLiteral("servicePreserveHost"));

    auto *nameError = new FieldErrorLabel(QStringLiteral("nameError"));
    auto *connectError = new FieldErrorLabel(QStringLiteral("connectTimeoutError"));
    auto *readError = new FieldErrorLabel(QStringLiteral("readTimeoutError"));
    auto *retriesError = new FieldErrorLabel(QStringLiteral("retriesError"));

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("&Name:"), withErrorLabel(m_name, nameError));
    form->addRow(tr("&Targets:"), targetsBox);
    form->addRow(tr("&Connect timeout:"), withErrorLabel(m_connectTimeout, connectError));
    form->addRow(tr("&Read timeout:"), withErrorLabel(m_readTimeout, readError));
    form->addRow(tr("Re&tries:"), withErrorLabel(m_retries, retriesError));
    form->addRow(QString(), m_preserveHost);
    form->addRow(tr("https:// targets:"), tlsBox());

    m_buttons->setObjectName(QStringLiteral("buttons"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(original ? tr("Apply") : tr("Add service"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ServiceEditorDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ServiceEditorDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_general);
    layout->addWidget(m_notice);
    layout->addWidget(m_buttons);
    resize(620, sizeHint().height());

    m_errors.addField(QStringLiteral("name"), nameError);
    m_errors.addField(QStringLiteral("targets"), targetsError,
                      [this](int index, const QString &field, const QString &message) {
                          if (index < 0 || index >= int(m_checked.targets.size()))
                              return message;
                          const QString what = field == QStringLiteral("weight") ? tr("weight")
                                                                                 : tr("URL");
                          return tr("Target %1, %2: %3").arg(index + 1).arg(what, message);
                      });
    m_errors.addField(QStringLiteral("connect_timeout_ms"), connectError);
    m_errors.addField(QStringLiteral("read_timeout_ms"), readError);
    m_errors.addField(QStringLiteral("retries"), retriesError);

    load(m_base);

    m_validateTimer->setSingleShot(true);
    m_validateTimer->setInterval(150);
    connect(m_validateTimer, &QTimer::timeout, this, &ServiceEditorDialog::validateNow);
    const auto changed = [this] { m_validateTimer->start(); };
    connect(m_name, &QLineEdit::textChanged, this, changed);
    connect(m_targets, &QTableWidget::itemChanged, this, changed);
    connect(m_targets->model(), &QAbstractItemModel::rowsRemoved, this, changed);
    connect(m_targets->model(), &QAbstractItemModel::rowsInserted, this, changed);
    for (QSpinBox *spin : {m_connectTimeout, m_readTimeout, m_retries})
        connect(spin, &QSpinBox::valueChanged, this, changed);
    connect(m_preserveHost, &QCheckBox::toggled, this, changed);
    connect(m_tlsVerify, &QCheckBox::toggled, this, changed);
    connect(m_tlsServerName, &QLineEdit::textChanged, this, changed);
    connect(m_clientCertificate, &QComboBox::currentIndexChanged, this, changed);
    connect(m_room.config, &ConfigService::configChanged, this, changed);

    validateNow();
    m_name->setFocus();
}

void ServiceEditorDialog::load(const ServiceConfig &service)
{
    m_name->setText(service.name);
    m_targets->setRowCount(0);
    for (const TargetConfig &t : service.targets)
        addTarget(t.url, t.weight);
    m_connectTimeout->setValue(service.connectTimeoutMs);
    m_readTimeout->setValue(service.readTimeoutMs);
    m_retries->setValue(service.retries);
    m_preserveHost->setChecked(service.preserveHost);
    m_tlsVerify->setChecked(service.tlsVerify);
    m_tlsServerName->setText(service.tlsServerName);
    setCaBundle(service.caBundle);
    fillClientCertificates(service.clientCertificate);
}

QWidget *ServiceEditorDialog::tlsBox()
{
    m_tlsVerify->setObjectName(QStringLiteral("serviceTlsVerify"));
    m_tlsServerName->setObjectName(QStringLiteral("serviceTlsServerName"));
    m_tlsServerName->setPlaceholderText(tr("the target's host"));
    m_caBundleSummary->setObjectName(QStringLiteral("serviceCaBundle"));
    m_clientCertificate->setObjectName(QStringLiteral("serviceClientCertificate"));
    auto *loadBundle = new QPushButton(tr("Load CA bundle…"));
    loadBundle->setObjectName(QStringLiteral("serviceLoadCaBundle"));
    auto *systemCas = new QPushButton(tr("Use the system's"));
    systemCas->setObjectName(QStringLiteral("serviceSystemCas"));
    connect(loadBundle, &QPushButton::clicked, this, &ServiceEditorDialog::loadCaBundleFile);
    connect(systemCas, &QPushButton::clicked, this, [this] { setCaBundle(QString()); });

    auto *bundleRow = new QHBoxLayout;
    bundleRow->addWidget(m_caBundleSummary, 1);
    bundleRow->addWidget(loadBundle);
    bundleRow->addWidget(systemCas);
    auto *form = new QFormLayout;
    form->setContentsMargins(0, 0, 0, 0);
    const auto row = [&](const QString &label, QWidget *field, QLayout *layout, const char *name) {
        auto *error = new FieldErrorLabel(QLatin1String(name) + QStringLiteral("Error"));
        m_errors.addField(QLatin1String(name), error);
        auto *box = new QWidget;
        auto *column = new QVBoxLayout(box);
        column->setContentsMargins(0, 0, 0, 0);
        column->setSpacing(2);
        if (field)
            column->addWidget(field);
        if (layout)
            column->addLayout(layout);
        column->addWidget(error);
        form->addRow(label, box);
    };
    form->addRow(QString(), m_tlsVerify);
    row(tr("Trusted CAs:"), nullptr, bundleRow, "ca_bundle");
    row(tr("Server name:"), m_tlsServerName, nullptr, "tls_server_name");
    row(tr("Client certificate:"), m_clientCertificate, nullptr, "client_certificate");
    auto *box = new QWidget;
    box->setLayout(form);
    return box;
}

void ServiceEditorDialog::setCaBundle(const QString &pem)
{
    m_caBundle = pem;
    if (pem.trimmed().isEmpty()) {
        m_caBundleSummary->setText(tr("The system's CAs"));
    } else {
        QString why;
        const std::optional<CertificateInfo> first = inspectCertificate(pem.toUtf8(), &why);
        m_caBundleSummary->setText(first ? tr("%n certificate(s), the first %1", nullptr,
                                              first->chainLength)
                                               .arg(first->subject)
                                         : why);
    }
    m_validateTimer->start();
}

void ServiceEditorDialog::loadCaBundleFile()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("CA bundle"), QString(),
                                     tr("PEM certificates (*.pem *.crt *.cer);;All files (*)"));
    if (path.isEmpty())
        return;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        m_caBundleSummary->setText(tr("Cannot read %1: %2").arg(path, file.errorString()));
        return;
    }
    setCaBundle(QString::fromUtf8(file.readAll()));
}

// "(none)" and the configuration's certificates; a name no longer there stays listed, so the
// validation says what is wrong with it instead of the choice silently changing.
void ServiceEditorDialog::fillClientCertificates(const QString &selected)
{
    const QSignalBlocker quiet(m_clientCertificate);
    m_clientCertificate->clear();
    m_clientCertificate->addItem(tr("(none)"), QString());
    for (const CertificateConfig &c : m_room.config->config().certificates)
        m_clientCertificate->addItem(c.name, c.name);
    if (!selected.isEmpty() && m_clientCertificate->findData(selected) < 0)
        m_clientCertificate->addItem(selected, selected);
    m_clientCertificate->setCurrentIndex(std::max(0, m_clientCertificate->findData(selected)));
}

void ServiceEditorDialog::addTarget(const QString &url, int weight)
{
    const int row = m_targets->rowCount();
    m_targets->insertRow(row);
    auto *urlItem = new QTableWidgetItem(url);
    auto *weightItem = new QTableWidgetItem;
    weightItem->setData(Qt::EditRole, weight);
    weightItem->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_targets->setItem(row, 0, urlItem);
    m_targets->setItem(row, 1, weightItem);
    if (url.isEmpty() && isVisible()) {
        m_targets->setCurrentCell(row, 0);
        m_targets->editItem(urlItem);
    }
}

void ServiceEditorDialog::removeSelectedTarget()
{
    const int row = m_targets->currentRow();
    if (row >= 0)
        m_targets->removeRow(row);
}

ServiceConfig ServiceEditorDialog::service() const
{
    ServiceConfig s = m_base;
    s.name = m_name->text().trimmed();
    s.targets.clear();
    for (int row = 0; row < m_targets->rowCount(); ++row) {
        const QTableWidgetItem *url = m_targets->item(row, 0);
        const QTableWidgetItem *weight = m_targets->item(row, 1);
        s.targets.push_back(TargetConfig{url ? url->text().trimmed() : QString(),
                                         weight ? weight->data(Qt::EditRole).toInt() : 0});
    }
    s.connectTimeoutMs = m_connectTimeout->value();
    s.readTimeoutMs = m_readTimeout->value();
    s.retries = m_retries->value();
    s.preserveHost = m_preserveHost->isChecked();
    s.tlsVerify = m_tlsVerify->isChecked();
    s.tlsServerName = m_tlsServerName->text().trimmed();
    s.caBundle = m_caBundle;
    s.clientCertificate = m_clientCertificate->currentData().toString();
    return s;
}

void ServiceEditorDialog::applyTo(Config &config, const ServiceConfig &service) const
{
    if (!m_originalName.isEmpty() && m_originalName != service.name) {
        for (RouteConfig &route : config.routes) {
            if (route.service == m_originalName)
                route.service = service.name;
        }
    }
    config.services.push_back(service);
}

void ServiceEditorDialog::validateNow()
{
    m_validateTimer->stop();
    const Config &current = m_room.config->config();
    Config candidate = current;
    std::erase_if(candidate.services, [&](const ServiceConfig &s) {
        return !m_originalName.isEmpty() && s.name == m_originalName;
    });
    m_checked = service();
    applyTo(candidate, m_checked); // goes last: a name collision is reported on it
    showErrors(validateConfig(candidate, &current),
               QStringLiteral("services[%1]").arg(candidate.services.size() - 1));
}

void ServiceEditorDialog::showErrors(const ConfigErrors &errors, const QString &prefix)
{
    m_errors.show(errors, prefix);
    m_errorCount = int(errors.size());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(m_errorCount == 0);
}

QString ServiceEditorDialog::notice() const
{
    return m_notice->text();
}

void ServiceEditorDialog::accept()
{
    m_notice->setMessage(QString());
    validateNow();
    if (m_errorCount > 0)
        return;
    const ServiceConfig edited = service();
    const QString original = m_originalName;
    const QString summary = editSummary(QStringLiteral("service"), original, edited.name);

    qsizetype index = -1;
    const StoreResult result =
        m_room.config->edit(ConfigSource::Gui, summary, m_revision, [&](Config &c) {
            if (!original.isEmpty()) {
                const auto it = std::find_if(c.services.begin(), c.services.end(),
                                             [&](const ServiceConfig &s) {
                                                 return s.name == original;
                                             });
                if (it == c.services.end())
                    return EditOutcome{
                        StoreResult::Status::NotFound,
                        {{QString(), tr("service %1 no longer exists").arg(original)}},
                        {}};
                // Keep its place in the list: erase, then put it back where it was.
                const auto position = it - c.services.begin();
                c.services.erase(it);
                applyTo(c, edited);
                std::rotate(c.services.begin() + position, c.services.end() - 1,
                            c.services.end());
                index = position;
                return EditOutcome{};
            }
            index = qsizetype(c.services.size());
            applyTo(c, edited);
            return EditOutcome{};
        });
    switch (result.status) {
    case StoreResult::Status::Ok:
    case StoreResult::Status::Unchanged:
        m_appliedName = edited.name;
        QDialog::accept();
        return;
    case StoreResult::Status::Invalid:
        showErrors(result.errors, QStringLiteral("services[%1]").arg(index));
        return;
    case StoreResult::Status::Conflict:
        m_revision = m_room.config->revision();
        [[fallthrough]];
    default:
        m_notice->setMessage(notAppliedNotice(
            result, m_revision, m_buttons->button(QDialogButtonBox::Ok)->text()));
        return;
    }
}

} // namespace portico
