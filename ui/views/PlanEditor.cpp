#include "PlanEditor.h"

#include "ControlRoom.h"
#include "views/FieldErrorLabel.h"

#include "config/ConfigValidator.h"

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace portico {

namespace {

constexpr double kMaxLimit = 1e12; // the validator's bound

// The editor checks its plan alone; the store reports it at its place among the others.
const QString kAnyPlan = QStringLiteral("plans[]");

} // namespace

PlanEditor::PlanEditor(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel)
    , m_name(new QLineEdit)
    , m_nameMessage(new FieldErrorLabel(QStringLiteral("planNameMessage")))
    , m_message(new FieldErrorLabel(QStringLiteral("planMessage")))
    , m_errors(m_message)
    , m_apply(new QPushButton(tr("&Apply")))
    , m_revert(new QPushButton(tr("&Revert")))
{
    QFont titleFont = m_title->font();
    titleFont.setWeight(QFont::DemiBold);
    m_title->setFont(titleFont);
    m_title->setObjectName(QStringLiteral("planEditorTitle"));
    m_name->setObjectName(QStringLiteral("planName"));
    m_name->setPlaceholderText(tr("e.g. free, pro"));

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->addRow(tr("&Name:"), withErrorLabel(m_name, m_nameMessage));
    m_errors.addField(QStringLiteral("name"), m_nameMessage, describeNameError);
    const char *labels[] = {QT_TR_NOOP("Per &second:"), QT_TR_NOOP("Per mi&nute:"),
                            QT_TR_NOOP("Per &hour:"), QT_TR_NOOP("Per &day:"),
                            QT_TR_NOOP("Per &month:")};
    const LimitsConfig names;
    for (size_t i = 0; i < m_limits.size(); ++i) {
        const QString window = QString::fromLatin1(names.windows()[i].first);
        auto *box = new QDoubleSpinBox;
        box->setObjectName(QStringLiteral("planLimit-%1").arg(window));
        box->setDecimals(0);
        box->setRange(0, kMaxLimit);
        box->setGroupSeparatorShown(true);
        box->setSpecialValueText(tr("no limit"));
        box->setSuffix(tr(" requests"));
        box->setAccelerated(true);
        box->setToolTip(tr("Most requests a consumer on this plan may make per %1, across all "
                           "routes with authentication; the lowest value means no limit.")
                            .arg(window));
        m_limits[i] = box;
        auto *message = new FieldErrorLabel(QStringLiteral("planLimitMessage-%1").arg(window));
        form->addRow(tr(labels[i]), withErrorLabel(box, message));
        m_errors.addField(QStringLiteral("limits.") + window, message);
        connect(box, &QDoubleSpinBox::valueChanged, this, &PlanEditor::validate);
    }

    m_apply->setObjectName(QStringLiteral("applyPlan"));
    m_apply->setIcon(portIcon("enable"));
    m_apply->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_apply->setToolTip(tr("Store the plan and apply it to the running gateway (Ctrl+Enter)"));
    m_apply->setDefault(true);
    m_revert->setObjectName(QStringLiteral("revertPlan"));
    m_revert->setToolTip(tr("Forget the changes"));
    connect(m_apply, &QPushButton::clicked, this, [this] {
        if (canApply())
            Q_EMIT applyRequested();
    });
    connect(m_revert, &QPushButton::clicked, this, [this] {
        if (m_isNew)
            clear();
        else
            load(m_original);
    });
    connect(m_name, &QLineEdit::textChanged, this, &PlanEditor::validate);
    connect(m_name, &QLineEdit::returnPressed, m_apply, &QPushButton::click);

    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_apply);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addLayout(form);
    layout->addWidget(m_message);
    layout->addLayout(buttons);
    clear();
}

void PlanEditor::load(const PlanConfig &plan)
{
    m_name->setText(plan.name);
    for (size_t i = 0; i < m_limits.size(); ++i)
        m_limits[i]->setValue(double(plan.limits.windows()[i].second));
    validate();
}

void PlanEditor::setPlan(const PlanConfig &plan, const QStringList &otherNames)
{
    m_original = plan;
    m_isNew = false;
    m_otherNames = otherNames;
    m_title->setText(tr("Limits of plan %1").arg(plan.name));
    setEnabled(true);
    load(plan);
}

void PlanEditor::startNew(const QStringList &otherNames)
{
    m_original = PlanConfig();
    m_isNew = true;
    m_otherNames = otherNames;
    m_title->setText(tr("New plan"));
    setEnabled(true);
    load(m_original);
    m_name->setFocus();
}

void PlanEditor::clear()
{
    m_original = PlanConfig();
    m_isNew = false;
    m_otherNames.clear();
    m_title->setText(tr("Select a plan to edit its limits"));
    load(m_original);
    setEnabled(false);
}

PlanConfig PlanEditor::plan() const
{
    PlanConfig p;
    p.name = m_name->text().trimmed();
    const auto windows = p.limits.mutableWindows();
    for (size_t i = 0; i < m_limits.size(); ++i)
        *windows[i].second = qint64(m_limits[i]->value());
    return p;
}

bool PlanEditor::isModified() const
{
    return m_isNew || !(plan() == m_original);
}

bool PlanEditor::canApply() const
{
    return m_apply->isEnabled();
}

void PlanEditor::setLimit(const char *window, qint64 value)
{
    if (QDoubleSpinBox *box = limitBox(window))
        box->setValue(double(value));
}

QDoubleSpinBox *PlanEditor::limitBox(const char *window) const
{
    const LimitsConfig names;
    for (size_t i = 0; i < m_limits.size(); ++i) {
        if (qstrcmp(names.windows()[i].first, window) == 0)
            return m_limits[i];
    }
    return nullptr;
}

void PlanEditor::validate()
{
    const PlanConfig candidate = plan();
    // The gateway's own checks on this plan alone (same messages as the store's).
    Config probe;
    probe.plans = {candidate};
    m_errors.show(validateConfig(probe), kAnyPlan);
    if (!m_nameMessage->hasMessage() && m_otherNames.contains(candidate.name))
        m_nameMessage->setMessage(tr("Another plan is already named \"%1\".").arg(candidate.name));
    m_apply->setEnabled(!m_errors.hasMessages() && isModified());
    m_revert->setEnabled(isModified());
}

void PlanEditor::showResult(const StoreResult &result)
{
    if (result.status == StoreResult::Status::Conflict) {
        m_message->setMessage(tr("The configuration was changed elsewhere (now r%1): nothing "
                                 "was saved. Check the plan and apply again.")
                                  .arg(result.revision));
        return;
    }
    m_errors.show(result.errors, kAnyPlan);
    if (result.errors.empty())
        m_message->setMessage(tr("The change was not saved."));
    m_apply->setEnabled(result.status != StoreResult::Status::Invalid);
}

} // namespace portico
