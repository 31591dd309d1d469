//! The cue lexicon: ways of saying each risk, by category and severity.
//! Patterns describe how a risk is said (a first-person symptom, an
//! ideation verb with a harm verb, a quantity of drink with a frequency),
//! not particular sentences; `context` decides whether a match is meant.

use std::sync::LazyLock;

use regex::Regex;

use super::{
    ABUSE_HARASSMENT, BURNOUT, HARM_TO_OTHERS, HOPELESSNESS, MEDICAL_RED_FLAG, NOT_EATING,
    PANIC_ANXIETY, SAFEGUARDING, SELF_HARM, SUBSTANCE_USE,
};
use crate::ai::analyst::RiskSeverity;
use crate::ai::local::text::pattern;

/// How much a single mention says on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strength {
    /// Flags on its own.
    Strong,
    /// A passing remark ("I was up late again") until something else says
    /// the same: another cue of the category from the same speaker, or a
    /// word of persistence in the sentence ("every night", "for weeks").
    Weak,
}

/// What a cue needs from its sentence besides the words themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Subject {
    /// The words carry their own subject ("I want to die", "he hit me").
    Any,
    /// Only about the speaker: the sentence must speak in the first person,
    /// so a relative's illness told as history is not the client's risk.
    Speaker,
}

pub(crate) struct Cue {
    pub category: &'static str,
    pub severity: RiskSeverity,
    /// How strongly the words point at the risk; picks the quote.
    pub weight: u8,
    pub strength: Strength,
    pub subject: Subject,
    pub regex: Regex,
}

fn cue(
    category: &'static str,
    severity: RiskSeverity,
    weight: u8,
    subject: Subject,
    source: &str,
) -> Cue {
    Cue {
        category,
        severity,
        weight,
        strength: Strength::Strong,
        subject,
        regex: pattern(source),
    }
}

fn weak(category: &'static str, weight: u8, source: &str) -> Cue {
    Cue {
        strength: Strength::Weak,
        ..cue(
            category,
            RiskSeverity::Watch,
            weight,
            Subject::Speaker,
            source,
        )
    }
}

/// People a client may name as hurting them or a child.
const HOUSEHOLD: &str = r"(?:he|she|they|my\s+(?:partner|husband|wife|boyfriend|girlfriend|ex|fianc[eé]e?|father|mother|dad|mum|mom|stepdad|stepfather|stepmother|brother|sister|son|uncle|carer))";
/// Who may be on the receiving end: the speaker or a child.
const VICTIM: &str = r"(?:me|my\s+(?:son|daughter|kids?|children|child|baby|boy|girl|little\s+one)|the\s+(?:kids|children|baby)|(?:him|her)\s+(?:too|as\s+well))";
/// Violence done to a person.
const VIOLENCE: &str = r"(?:hits?|hitting|beats?|beat|beating|hurts?|hurting|chok(?:es|ed|ing)|push(?:es|ed)|shov(?:es|ed)|slap(?:s|ped)|kick(?:s|ed)|punch(?:es|ed)|grabb?(?:ed|s)|strangl(?:es|ed)|thr(?:ew|ows)|lock(?:s|ed)|smack(?:s|ed))";
/// A part of the body whose pain may be an emergency, as the speaker's own.
const CHEST: &str = r"(?:my\s+chest|the\s+chest|across\s+the\s+front)";
/// Drinks that are alcohol, for amounts and frequencies of drinking.
pub(crate) const ALCOHOL: &str = r"(?:wine|beer|whisky|whiskey|vodka|gin|rum|cider|lager|spirits|booze|alcohol|prosecco|champagne|bourbon|brandy|tequila|ale|pints?|shots?|cans)";

pub(crate) static CUES: LazyLock<Vec<Cue>> = LazyLock::new(|| {
    use RiskSeverity::{Urgent, Watch};
    use Subject::{Any, Speaker};
    vec![
        // --- Suicidal ideation and self-harm, including passive wishes.
        cue(
            SELF_HARM,
            Urgent,
            10,
            Any,
            r"\bsuicid(?:e|al)\b|\bself[- ]harm(?:ing)?\b|\bend\s+it\s+all\b",
        ),
        cue(
            SELF_HARM,
            Urgent,
            10,
            Any,
            r"\bkill(?:ing)?\s+myself\b|\b(?:end|ending|take|taking)\s+my\s+(?:own\s+)?life\b",
        ),
        cue(
            SELF_HARM,
            Urgent,
            9,
            Any,
            r"\b(?:want(?:ed)?\s+to|thought\s+about|thinking\s+(?:about|of)|think\s+about|urge\s+to|feel\s+like)\s+(?:hurt|harm|cut)(?:ting|ing)?\s+myself\b|\bcutting\s+myself\b",
        ),
        cue(
            SELF_HARM,
            Urgent,
            9,
            Any,
            r"\b(?:be\s+)?better\s+off\s+(?:without\s+me|dead|if\s+I\s+(?:just\s+)?(?:wasn't|weren't|was\s+not|were\s+not|wasn't\s+around|didn't\s+exist)\b)",
        ),
        cue(
            SELF_HARM,
            Urgent,
            9,
            Any,
            r"\b(?:don't|do\s+not|no\s+longer|not\s+sure\s+I|don't\s+know\s+if\s+I)\s+want\s+to\s+(?:be\s+here|be\s+around|live|be\s+alive|wake\s+up|exist|go\s+on)\b",
        ),
        cue(
            SELF_HARM,
            Urgent,
            9,
            Any,
            r"\b(?:want(?:ed)?\s+to\s+die|wish(?:ed)?\s+I\s+(?:was|were)\s+dead|wish(?:ed)?\s+I\s+could\s+(?:just\s+)?(?:die|not\s+wake\s+up|stop\s+existing|not\s+exist|disappear\s+(?:for\s+good|forever)|go\s+to\s+sleep\s+and\s+not\s+wake\s+up))\b|\bno\s+reason\s+to\s+(?:live|go\s+on)\b",
        ),
        cue(
            SELF_HARM,
            Urgent,
            9,
            Any,
            r"\b(?:stop|stopped)\s+existing\b|\bnot\s+(?:be|being)\s+here\s+any\s*more\b|\b(?:took|taken|take|taking|swallowed)\s+(?:too\s+many|a\s+handful\s+of|all\s+(?:of\s+)?my|the\s+whole\s+(?:box|packet)\s+of)\s+(?:pills|tablets|painkillers|sleeping\s+(?:pills|tablets))\b",
        ),
        cue(
            SELF_HARM,
            Urgent,
            9,
            Any,
            r"\b(?:thinking|thought|think)\s+(?:about|of)\s+(?:ending\s+(?:things|it)|not\s+being\s+(?:here|around|alive)|dying|driving\s+(?:into|off)|jumping)\b|\b(?:life|living)\s+(?:isn't|is\s+not|wasn't|doesn't\s+feel)\s+worth\s+(?:living|it)\b|\bwant\s+(?:it\s+all|everything)\s+to\s+(?:stop|end)\b|\b(?:hurting|harming|cutting|burning)\s+myself\s+again\b|\bstarted\s+(?:cutting|hurting\s+myself|self-harming)\b|\b(?:stockpiling|saving\s+up|hoarding)\s+(?:my\s+)?(?:pills|tablets|medication)\b|\blooked\s+up\s+(?:ways|how)\s+to\s+(?:die|do\s+it|end)\b|\b(?:everyone|they|my\s+\w+)\s+would\s+be\s+(?:fine|better|happier)\s+without\s+me\b|\b(?:go\s+to\s+sleep|fall\s+asleep)\s+and\s+(?:never|not)\s+wake\s+up\b",
        ),
        // Putting affairs in order, said as a leaving: giving things away,
        // "so nobody has to clear up after me", "when I'm gone".
        cue(
            SELF_HARM,
            Urgent,
            8,
            Speaker,
            r"\b(?:giving|given|gave)\s+(?:away\s+)?(?:my|all\s+my|most\s+of\s+my)\s+(?:things|stuff|belongings|possessions|books|records|clothes)\b[^.?!]{0,60}\b(?:after\s+me|I'm\s+gone|I\s+go|without\s+me|need\s+them)\b|\b(?:sort(?:ing|ed)?\s+out|decid(?:ing|ed)|work(?:ing|ed)\s+out)\s+who\s+gets\s+what\b|\b(?:nobody|no\s+one|no-one)\s+(?:is\s+|'s\s+)?(?:left\s+)?(?:has\s+to\s+|having\s+to\s+|to\s+)?(?:clear(?:ing)?|tidy(?:ing)?|sort(?:ing)?)\s+up\s+after\s+me\b|\bwhen\s+I'm\s+(?:gone|not\s+here|no\s+longer\s+here)\b|\b(?:written|wrote|writing)\s+(?:the\s+)?(?:letters|notes?)\s+(?:to|for)\s+(?:everyone|my\s+\w+)\b[^.?!]{0,30}\b(?:just\s+in\s+case|goodbye|after)\b",
        ),
        // Not waking up spoken of as a relief to others; a method weighed.
        cue(
            SELF_HARM,
            Urgent,
            9,
            Any,
            r"\bif\s+I\s+(?:just\s+)?(?:don't|didn't|never|did\s+not|do\s+not)\s+wake\s+up\b[^.?!]{0,40}\b(?:that's|that\s+would\s+be|it'd\s+be|it\s+would\s+be|one\s+less|no\s+one|nobody|they'd|everyone|fine\s+by\s+me|so\s+be\s+it)\b|\b(?:which|how\s+many)\s+(?:of\s+)?(?:my\s+|the\s+|those\s+)?(?:tablets|pills|meds|medication|painkillers|sleeping\s+(?:pills|tablets))\b[^.?!]{0,40}\b(?:would\s+do\s+it|it\s+would\s+take|it'd\s+take|would\s+be\s+enough)\b",
        ),
        // --- Thoughts or plans of hurting someone else.
        cue(
            HARM_TO_OTHERS,
            Urgent,
            9,
            Speaker,
            r"\b(?:thought|thinking|think|dream(?:ed|t|ing)?|fantasi[sz](?:e|ed|ing)|imagin(?:e|ed|ing))\s+(?:about\s+|of\s+)?(?:what\s+I'?d\s+do\s+to|hurting|harming|killing|attacking|stabbing|hitting|beating|getting\s+back\s+at|making\s+\w+\s+pay)\s+(?:him|her|them|my\s+\w+|someone|somebody)\b",
        ),
        cue(
            HARM_TO_OTHERS,
            Urgent,
            9,
            Speaker,
            r"\b(?:want|wanted|going|planning|plan|mean|meant|intend|intended)\s+to\s+(?:really\s+|properly\s+|seriously\s+)?(?:hurt|harm|kill|attack|stab|beat\s+up|make\s+\w+\s+pay|get\s+back\s+at)\s+(?:him|her|them|my\s+\w+|someone|somebody)\b",
        ),
        cue(
            HARM_TO_OTHERS,
            Urgent,
            8,
            Speaker,
            r"\b(?:properly|really|seriously)\s+(?:hurting|hurt|harming|harm)\s+(?:him|her|them)\b|\bworked\s+out\s+(?:when|where|how)\s+(?:he|she|they)\b[^.?!]{0,40}\b(?:alone|on\s+(?:his|her|their)\s+own|takes|leaves|walks)\b",
        ),
        cue(
            HARM_TO_OTHERS,
            Urgent,
            9,
            Speaker,
            r"\b(?:scared|afraid|frightened|worried)\s+(?:that\s+)?I\s+(?:might|will|could|would|'ll)\s+(?:really\s+)?(?:hurt|harm|hit|shake)\s+(?:him|her|them|the\s+baby|my\s+\w+|someone|somebody)\b|\b(?:scared|afraid|frightened)\s+of\s+what\s+I'?(?:ll|d|might)\s+do\s+to\s+(?:him|her|them|someone)\b|\b(?:keep|kept)\s+(?:picturing|imagining|thinking\s+about)\s+(?:hurting|killing|hitting|stabbing|strangling)\b|\bI\s+(?:want|wanted)\s+(?:him|her|them)\s+dead\b|\b(?:make|making)\s+(?:him|her|them)\s+pay\b|\b(?:could|might)\s+(?:really|seriously)\s+hurt\s+(?:someone|somebody|him|her)\b",
        ),
        // A weapon kept to hand or someone's home watched.
        cue(
            HARM_TO_OTHERS,
            Urgent,
            8,
            Speaker,
            r"\b(?:had|have|keep|kept|keeping|took|take|taking|carry|carrying|brought|bring|put)\s+(?:a|the|my)\s+(?:knife|blade|tyre\s+iron|tire\s+iron|crowbar|hammer|baseball\s+bat|bat|gun|machete|weapon)\s+(?:on|in|under|with)\s+(?:the|my|me)\b|\b(?:sat|sit|sitting|parked|park|parking|waited|waiting|waiting)\s+(?:in\s+the\s+car\s+)?outside\s+(?:his|her|their)\s+(?:house|flat|home|place|office)\b",
        ),
        // --- A child or vulnerable adult at risk; domestic abuse.
        cue(
            SAFEGUARDING,
            Urgent,
            9,
            Any,
            &format!(r"\b{HOUSEHOLD}\s+(?:\w+\s+)?{VIOLENCE}\s+{VICTIM}\b"),
        ),
        cue(
            SAFEGUARDING,
            Urgent,
            9,
            Any,
            r"\b(?:afraid|scared|frightened|terrified)\s+(?:of|to\s+go\s+home\s+to)\s+(?:him|her|my\s+(?:partner|husband|wife|boyfriend|girlfriend|ex|dad|father|mum|mother|stepdad))\b|\bdomestic\s+(?:abuse|violence)\b|\b(?:abusive|abusing\s+me|abused\s+me|assaulted\s+me)\b",
        ),
        cue(
            SAFEGUARDING,
            Urgent,
            8,
            Any,
            r"\b(?:don't|do\s+not|doesn't|never)\s+feel\s+safe\s+(?:at\s+home|with\s+(?:him|her)|in\s+(?:the|my)\s+(?:house|flat|home))\b|\b(?:threaten(?:s|ed)?|threatening)\s+to\s+(?:hurt|kill|hit|take)\s+(?:me|the\s+kids|the\s+children|my\s+\w+)\b|\bleft\s+(?:the\s+kids|the\s+children|the\s+baby|my\s+(?:son|daughter|kids))\s+(?:alone|on\s+their\s+own|by\s+themselves)\b",
        ),
        cue(
            SAFEGUARDING,
            Urgent,
            8,
            Any,
            r"\b(?:won't|doesn't|does\s+not)\s+let\s+me\s+(?:leave\s+the\s+house|see\s+(?:my\s+)?(?:friends|family)|have\s+(?:my\s+own\s+)?(?:money|phone|keys))\b|\b(?:takes|took|keeps)\s+my\s+(?:phone|money|bank\s+card|passport|keys)\s+(?:off|from)\s+me\b|\b(?:bruises|marks)\s+on\s+(?:her|his|my\s+(?:son|daughter|kids?|child|mum|dad|mother|father))\b|\b(?:he|she)\s+(?:said|told\s+me)\s+(?:his|her)\s+(?:dad|mum|stepdad|stepmum|mother|father|uncle|teacher|coach)\s+(?:hurts|hits|touches)\s+(?:him|her)\b|\b(?:carer|care\s+worker|neighbour)\s+(?:is|has\s+been|was)\s+(?:taking|stealing)\s+(?:her|his|their)\s+(?:money|pension|cards?)\b",
        ),
        // Held by the throat or pinned; a child left without an adult.
        cue(
            SAFEGUARDING,
            Urgent,
            9,
            Any,
            &format!(
                r"\b{HOUSEHOLD}\s+(?:\w+\s+){{0,6}}?(?:by|round|around)\s+(?:my|the|her|his)\s+(?:throat|neck)\b|\b{HOUSEHOLD}\s+(?:pinned|pins|held|holds)\s+me\s+(?:down|against)\b"
            ),
        ),
        cue(
            SAFEGUARDING,
            Urgent,
            8,
            Any,
            r"\b(?:\w+-year-old|kids?|children|child|toddler|little\s+(?:boy|girl|one|ones)|(?:his|her|their)\s+(?:little\s+)?(?:sister|brother))\b[^.?!]{0,140}\b(?:nobody|no\s+one|no-one|no\s+adult|no\s+grown-?ups?)\s+(?:was\s+|were\s+|is\s+)?(?:home|in|there|around|in\s+the\s+(?:house|flat))\b",
        ),
        // --- A physical emergency, described plainly by the person it is happening to.
        cue(
            MEDICAL_RED_FLAG,
            Urgent,
            10,
            Speaker,
            &format!(
                r"\b(?:tight(?:ness)?|pain|pains|pressure|heaviness|crushing|squeezing|band|weight|ache)\b[^.?!]{{0,40}}\b(?:across|in|on|round|around|over)\s+{CHEST}\b|\b{CHEST}\s+(?:went|goes|feels?|felt|was|is|got|gets|keeps\s+going)\s+(?:\w+\s+)?(?:tight|heavy|crushed|squeezed|painful|sore)\b|\bchest\s+(?:pain|pains|tightness|pressure)\b"
            ),
        ),
        cue(
            MEDICAL_RED_FLAG,
            Urgent,
            9,
            Speaker,
            r"\b(?:down|into|up\s+into|up|along|through)\s+my\s+(?:left\s+|right\s+)?(?:arm|jaw|neck|shoulder\s+blade)\b[^.?!]{0,30}\b(?:pain|tight|numb|ache|aching)|\b(?:pain|tightness|numbness|ache)\s+(?:going|spreading|shooting|radiating)\s+(?:down|into|up)\s+my\s+(?:left\s+|right\s+)?(?:arm|jaw|neck)\b",
        ),
        cue(
            MEDICAL_RED_FLAG,
            Urgent,
            10,
            Speaker,
            r"\b(?:one\s+side\s+of\s+my\s+(?:face|mouth)|my\s+(?:face|mouth))\s+(?:\w+\s+){0,2}(?:droop(?:ed|ing|s|y)?|dropp?(?:ed|ing)|went\s+(?:numb|slack|lopsided|funny))\b|\bslurr(?:ed|ing)\s+(?:my\s+)?(?:words|speech)\b|\bmy\s+(?:speech|words)\s+(?:went|was|were|came\s+out|got)\s+(?:all\s+)?slurred\b",
        ),
        cue(
            MEDICAL_RED_FLAG,
            Urgent,
            9,
            Speaker,
            r"\b(?:couldn't|could\s+not|can't|cannot)\s+(?:lift|move|feel|grip\s+with)\s+my\s+(?:left|right)\s+(?:arm|leg|hand|side)\b|\b(?:sudden(?:ly)?\s+)?(?:numb(?:ness)?|weak(?:ness)?|dead)\s+(?:down|in|on|all\s+down)\s+(?:one\s+side|my\s+(?:left|right)\s+(?:side|arm|leg))\b",
        ),
        cue(
            MEDICAL_RED_FLAG,
            Urgent,
            9,
            Speaker,
            r"\bI\s+(?:\w+\s+)?(?:fainted|passed\s+out|blacked\s+out|collapsed|lost\s+consciousness|keep\s+fainting|keep\s+passing\s+out)\b",
        ),
        cue(
            MEDICAL_RED_FLAG,
            Urgent,
            9,
            Speaker,
            r"\b(?:coughing|coughed|cough|vomiting|vomited|throwing\s+up|threw\s+up|spitting|peeing|passing|bringing)\s+(?:up\s+)?(?:some\s+)?blood\b|\bblood\s+(?:in|when)\s+(?:my|I)\s+(?:stool|urine|pee|poo|sick|cough|coughed)\b",
        ),
        cue(
            MEDICAL_RED_FLAG,
            Urgent,
            8,
            Speaker,
            r"\b(?:can't|couldn't|cannot|could\s+not)\s+(?:catch|get)\s+my\s+breath\s+(?:even\s+)?(?:when|while|lying|sitting|at\s+rest|just\s+sitting|in\s+bed)\b|\bstruggling\s+to\s+breathe\s+(?:even\s+)?(?:when|while|lying|sitting|at\s+rest)\b|\bgasping\s+for\s+(?:breath|air)\b|\bworst\s+headache\s+(?:of|in)\s+my\s+life\b|\bsudden,?\s+(?:severe|splitting|blinding|thunderclap)\s+headache\b",
        ),
        cue(
            MEDICAL_RED_FLAG,
            Urgent,
            9,
            Speaker,
            r"\b(?:lost|losing)\s+(?:the\s+)?(?:sight|vision)\s+in\s+(?:one|my\s+(?:left|right))\s+eye\b|\b(?:couldn't|could\s+not|can't)\s+(?:get\s+my\s+words\s+out|speak\s+properly|find\s+my\s+words)\b[^.?!]{0,30}\b(?:sudden|suddenly|out\s+of\s+nowhere|this\s+morning|last\s+night)|\bI\s+(?:had|have\s+had|had\s+a)\s+(?:a\s+)?(?:seizure|fit)\b|\bmy\s+lips\s+(?:went|turned|were)\s+blue\b|\b(?:so\s+)?(?:breathless|out\s+of\s+breath)\s+(?:I\s+)?(?:couldn't|could\s+not|can't)\s+(?:finish\s+a\s+sentence|talk|speak|get\s+up\s+the\s+stairs)\b",
        ),
        // Sight going in part of an eye; blood coughed up, in other words;
        // a rash that does not fade under a pressed glass (anyone's).
        cue(
            MEDICAL_RED_FLAG,
            Urgent,
            9,
            Speaker,
            r"\b(?:in|of|out\s+of)\s+(?:my|one)\s+(?:left\s+|right\s+)?eye\b[^.?!]{0,30}\b(?:went|gone|going|turned)\s+(?:\w+\s+)?(?:grey|gray|black|dark|blank|dim)\b|\b(?:curtain|blind|shadow)\b[^.?!]{0,30}\b(?:down|over)\s+(?:my|one)\s+(?:left\s+|right\s+)?eye\b|\b(?:cough(?:ed|ing)?|spat|spit|brought\s+up)\b[^.?!]{0,40}\b(?:was|were|came\s+up|came\s+out)\s+(?:bright\s+red|bloody|blood|full\s+of\s+blood|streaked\s+with\s+blood)\b",
        ),
        cue(
            MEDICAL_RED_FLAG,
            Urgent,
            9,
            Any,
            r"\b(?:spots|rash|marks|blotches)\b[^.?!]{0,60}\b(?:don't|doesn't|didn't|won't|do\s+not|does\s+not)\s+(?:fade|go\s+away|disappear)\b[^.?!]{0,40}\bglass\b|\bnon-blanching\b",
        ),
        // A limb or the speech suddenly not working: "my hand went dead",
        // "my words came out jumbled".
        cue(
            MEDICAL_RED_FLAG,
            Urgent,
            9,
            Speaker,
            r"\bmy\s+(?:left\s+|right\s+)?(?:hand|arm|leg|foot|fingers|face|side)\s+(?:just\s+|suddenly\s+|completely\s+)?(?:went|goes|had\s+gone)\s+(?:completely\s+|totally\s+|all\s+)?(?:dead|numb|limp|floppy|useless|heavy)\b|\bmy\s+(?:words|speech)\s+(?:came|were\s+coming|kept\s+coming)\s+out\s+(?:all\s+)?(?:\w+\s+and\s+)?(?:wrong|jumbled|garbled|muddled|thick|mixed\s+up|scrambled|slurred|nonsense)\b",
        ),
        // A sudden head pain like a blow: the thunderclap headache in
        // everyday words.
        cue(
            MEDICAL_RED_FLAG,
            Urgent,
            9,
            Speaker,
            r"\b(?:out\s+of\s+(?:nowhere|the\s+blue)|all\s+of\s+a\s+sudden|suddenly|without\s+warning)\b[^.?!]{0,90}\b(?:my\s+(?:head|skull)|back\s+of\s+my\s+(?:head|skull|neck))\b|\b(?:back\s+of\s+my\s+(?:head|skull)|my\s+(?:head|skull))\b[^.?!]{0,60}\b(?:out\s+of\s+(?:nowhere|the\s+blue)|all\s+of\s+a\s+sudden|without\s+warning)\b|\b(?:worst|most\s+painful)\s+(?:pain|headache)\s+I(?:'ve|\s+have)\s+ever\s+(?:had|felt)\b",
        ),
        // --- Hopelessness.
        cue(
            HOPELESSNESS,
            Watch,
            6,
            Any,
            r"\bhopeless\b|\bno\s+way\s+out\b|\bcan't\s+see\s+(?:a|any)\s+way\s+out\b|\bcan't\s+go\s+on\b|\bno\s+future\b",
        ),
        cue(
            HOPELESSNESS,
            Watch,
            6,
            Any,
            r"\bno\s+point\s+(?:in\s+)?(?:anything|trying|going\s+on|any\s+of\s+it|me\s+being\s+here)\b|\bnothing\s+(?:will|is\s+going\s+to|ever)\s+(?:ever\s+)?(?:change|get\s+better|improve|be\s+different)\b|\b(?:can't|cannot|don't)\s+see\s+(?:it|things|this|anything)\s+ever\s+(?:being|getting)\s+(?:any\s+)?(?:different|better)\b|\bthis\s+is\s+(?:just\s+)?(?:my\s+life|how\s+it'?s\s+going\s+to\s+be)\s+(?:now|forever)\b",
        ),
        // "What's the point" about life, not about one chore ("…of a cover letter").
        cue(
            HOPELESSNESS,
            Watch,
            6,
            Any,
            r"\b(?:what's|what\s+is)\s+the\s+(?:point|use)(?:\s+(?:of|in)\s+(?:any\s+of\s+it|anything|it\s+all|trying|going\s+on|living|me|carrying\s+on|getting\s+up|even\s+trying))?\s*(?:[.?!…]|$|any\s*more\b)",
        ),
        cue(
            HOPELESSNESS,
            Watch,
            5,
            Any,
            r"\b(?:want|wanted|need)\s+to\s+disappear\b|\bI'm\s+(?:just\s+)?a\s+burden\b|\bburden\s+(?:to|on)\s+(?:everyone|my\s+family|them)\b|\bworthless\b|\bgive\s+up\s+on\s+(?:everything|life)\b",
        ),
        cue(
            HOPELESSNESS,
            Watch,
            5,
            Any,
            r"\bnothing\s+ever\s+(?:works\s+out|goes\s+right|changes)\b|\b(?:it's|it\s+is|things\s+are)\s+never\s+going\s+to\s+get\s+(?:any\s+)?better\b|\bI'?ve\s+(?:just\s+)?given\s+up\s+(?:on\s+(?:everything|myself|life)|hoping|trying)\b|\b(?:whatever|no\s+matter\s+what)\s+I\s+(?:do|try)\b[^.?!]{0,60}\b(?:same|nothing|no\s+difference|pointless|stopped\s+(?:bothering|trying))\b|\bI(?:'ve|\s+have)\s+stopped\s+(?:bothering|trying)(?:\s+to\s+try)?\s*(?:[.,!]|$|with\s+(?:anything|everything|life))|\b(?:feel|feeling)\s+(?:so\s+|completely\s+)?trapped\s+(?:in\s+my\s+(?:own\s+)?life|with\s+no\s+way)\b",
        ),
        // A future that cannot be pictured.
        cue(
            HOPELESSNESS,
            Watch,
            5,
            Any,
            r"\b(?:can't|cannot|couldn't)\s+(?:see|picture|imagine)\s+(?:anything|a\s+thing)\s+(?:in\s+it|ahead(?:\s+of\s+me)?|in\s+front\s+of\s+me)\b|\b(?:can't|cannot|couldn't)\s+(?:see|picture|imagine)\s+(?:a|any)\s+future\b",
        ),
        // --- Burnout and exhaustion; sleep loss only when it persists.
        cue(
            BURNOUT,
            Watch,
            7,
            Speaker,
            r"\bburn(?:ed|t)[- ]out\b|\bburnout\b|\brunning\s+on\s+(?:empty|fumes)\b|\bnothing\s+left\s+(?:in\s+the\s+tank|to\s+give)\b",
        ),
        cue(
            BURNOUT,
            Watch,
            6,
            Speaker,
            r"\bcan't\s+(?:do|take|handle|cope\s+with)\s+(?:this|it|any\s+of\s+(?:it|this))(?:\s+much\s+longer)?\s+(?:anymore|any\s+more)\b|\bcan't\s+take\s+much\s+more\b|\bcan't\s+cope\b|\bcan't\s+keep\s+(?:going|doing\s+this)\b|\b(?:at|reached|hit)\s+(?:the\s+end\s+of\s+my\s+(?:rope|tether)|(?:my\s+)?breaking\s+point)\b",
        ),
        cue(
            BURNOUT,
            Watch,
            5,
            Speaker,
            r"\b(?:completely|totally|utterly|so|constantly)\s+(?:exhausted|drained|depleted|burnt)\b|\bexhausted\s+all\s+the\s+time\b|\bno\s+energy\s+(?:left|for\s+anything)\b|\bhaven't\s+had\s+a\s+(?:day|weekend|break|holiday)\s+off\b",
        ),
        weak(
            BURNOUT,
            4,
            r"\bsleeping\s+(?:maybe\s+|only\s+|about\s+|like\s+|barely\s+)?(?:one|two|three|four|[1-4])\s+hours\b|\b(?:can't|haven't\s+been\s+able\s+to|not\s+able\s+to)\s+sleep\b|\bhaven't\s+slept\b|\bnot\s+sleeping\b|\binsomnia\b|\bup\s+(?:till|until|past)\s+(?:one|two|three|four|[1-4])\b",
        ),
        cue(
            BURNOUT,
            Watch,
            5,
            Speaker,
            r"\b(?:completely|totally|utterly)\s+(?:fried|spent|wiped\s+out|worn\s+out|frazzled)\b|\b(?:I've|I\s+have)\s+got\s+nothing\s+left\b|\bon\s+my\s+knees\b[^.?!]{0,30}\b(?:work|tired|exhausted|weeks|months)\b",
        ),
        cue(
            BURNOUT,
            Watch,
            5,
            Speaker,
            r"\bstopped\s+feeling\s+(?:much\s+of\s+)?anything\b|\b(?:run|running|drag\s+myself|dragging\s+myself|stagger|staggering)\s+from\s+one\s+(?:shift|meeting|job|thing|call|deadline|crisis)\s+to\s+the\s+next\b",
        ),
        // --- Panic and anxiety attacks.
        cue(
            PANIC_ANXIETY,
            Watch,
            6,
            Speaker,
            r"\b(?:panic|anxiety)\s+attacks?\b|\bcan't\s+breathe\b|\bheart\s+(?:is\s+|was\s+|keeps\s+)?(?:racing|pounding)\b|\bconstant(?:ly)?\s+(?:anxious|on\s+edge|panicking)\b|\banxiety\s+(?:is|has\s+been)\s+(?:through\s+the\s+roof|out\s+of\s+control|unbearable)\b|\b(?:surge|wave|rush|flood)\s+of\s+(?:panic|dread|terror)\b",
        ),
        cue(
            PANIC_ANXIETY,
            Watch,
            6,
            Speaker,
            r"\b(?:sure|convinced|certain)\s+(?:that\s+)?I'?m\s+(?:about\s+to|going\s+to)\s+(?:pass\s+out|faint|die|collapse|have\s+a\s+heart\s+attack|lose\s+it)\b",
        ),
        // --- Substance use going up, or in immediate danger.
        cue(
            SUBSTANCE_USE,
            Urgent,
            9,
            Any,
            &format!(
                r"\b(?:mix(?:ing|ed)?|with|on\s+top\s+of)\s+(?:my\s+)?(?:pills|sleeping\s+(?:pills|tablets)|painkillers|tablets|benzos|sedatives|diazepam|tramadol|opioids)\s+(?:and|with)\s+(?:\w+\s+)?{ALCOHOL}\b|\b(?:couldn't|could\s+not)\s+(?:wake|rouse)\s+(?:him|her|me)\b|\boverdos(?:e|ed|ing)\b"
            ),
        ),
        // Drink taken and a drive or a child in one's care ahead.
        cue(
            SUBSTANCE_USE,
            Urgent,
            9,
            Speaker,
            r"\b(?:had|drunk|drank|downed|finished)\s+(?:\w+\s+){0,5}?(?:bottles?|pints|glasses|cans|shots|drinks)\b[^.?!]{0,100}\b(?:in\s+the\s+car|drive|driving|behind\s+the\s+wheel|(?:pick|picking|collect|collecting)\s+(?:\w+\s+){0,3}(?:up\s+)?(?:from\s+)?(?:school|nursery|the\s+kids|the\s+children|the\s+twins|the\s+baby))\b",
        ),
        // Driving on drink: danger now, to the client and others.
        cue(
            SUBSTANCE_USE,
            Urgent,
            9,
            Speaker,
            &format!(
                r"\b(?:drove|driven|driving|drive|got\s+behind\s+the\s+wheel)\b[^.?!]{{0,40}}\b(?:on|after|with)\b[\w\s,]{{0,30}}?\b(?:{ALCOHOL}|glasses|drinks|red|white|a\s+few|a\s+skinful)\b|\b(?:drunk|over\s+the\s+limit|had\s+a\s+few|after\s+(?:a\s+few|\w+\s+(?:pints|glasses|drinks)))\b[^.?!]{{0,40}}\b(?:drove|driving|got\s+behind\s+the\s+wheel|drove\s+home)\b"
            ),
        ),
        cue(
            SUBSTANCE_USE,
            Watch,
            6,
            Speaker,
            r"\bdrinking\s+(?:more|a\s+lot|too\s+much|every\s+(?:night|day)|heavily|again|alone)\b|\bneed\s+(?:a\s+drink|to\s+drink)\s+to\b",
        ),
        cue(
            SUBSTANCE_USE,
            Watch,
            6,
            Speaker,
            &format!(
                r"\b(?:bottles?|pints|cans|glasses|shots)\s+of\s+(?:\w+\s+)?{ALCOHOL}\s+(?:a|every|each)\s+(?:night|day|evening|couple\s+of\s+(?:days|nights)|few\s+(?:days|nights))\b|\b(?:getting|going|got|get)\s+through\s+(?:a|one|two|half\s+a|a\s+whole|most\s+of\s+a|nearly\s+a|almost\s+a|the\s+best\s+part\s+of\s+a)\s+bottles?\b"
            ),
        ),
        cue(
            SUBSTANCE_USE,
            Watch,
            6,
            Speaker,
            r"\b(?:taking|using)\s+(?:more\s+)?(?:pills|sleeping\s+pills|painkillers|something)\s+to\s+(?:sleep|cope|get\s+through)\b|\b(?:smoking|using|drinking)\s+again\b|\brelapsed?\b",
        ),
        cue(
            SUBSTANCE_USE,
            Watch,
            6,
            Speaker,
            r"\b(?:need|have)\s+(?:a\s+drink|a\s+few\s+drinks|to\s+drink)\s+(?:before|in\s+the\s+morning|first\s+thing|to\s+get\s+(?:going|through))\b|\bdrink\s+until\s+I\s+(?:pass\s+out|black\s+out|can't\s+remember)\b|\b(?:more|extra)\s+(?:of\s+my\s+)?(?:painkillers|tablets|pills|medication)\s+than\s+(?:I'?m\s+)?(?:prescribed|I\s+should|the\s+doctor\s+said)\b|\b(?:using|doing|taking)\s+(?:coke|cocaine|speed|pills|ketamine|weed)\s+(?:again|every|most|more)\b",
        ),
        // --- Not eating.
        cue(
            NOT_EATING,
            Watch,
            5,
            Speaker,
            r"\b(?:not|haven't\s+been|barely|stopped)\s+eating\b|\b(?:skipping|skipped)\s+(?:meals|most\s+meals)\b|\bno\s+appetite\b|\bcan't\s+eat\b|\b(?:bingeing|binging|purging)\b",
        ),
        cue(
            NOT_EATING,
            Watch,
            5,
            Speaker,
            r"\bhaven't\s+(?:eaten|had\s+a\s+(?:proper\s+)?meal)\s+(?:properly\s+)?(?:in|for)\s+(?:days|a\s+week|two\s+days|ages)\b|\bmake\s+myself\s+(?:sick|throw\s+up)\b|\b(?:just|only|nothing\s+but)?\s*(?:a\s+(?:cup\s+of\s+tea|coffee|black\s+coffee|cracker|biscuit|piece\s+of\s+toast|yoghurt|banana)|coffee|tea)\s+(?:and\s+(?:a\s+)?\w+\s+)?(?:until|till|all\s+day\s+until)\b[^.?!]{0,50}\b(?:evening|night|dinner|tea|bedtime)\b|\b(?:scrape|scraped|scraping|tip|tipped|tipping|throw|threw|throwing)\s+(?:it|most\s+of\s+it|half\s+of\s+it|my\s+(?:plate|dinner|food|tea|lunch))\s+(?:in|into)\s+the\s+bin\b|\blost\s+(?:a\s+stone|\w+\s+(?:kilos|pounds))\s+without\s+(?:trying|meaning\s+to)\b",
        ),
        cue(
            NOT_EATING,
            Watch,
            5,
            Speaker,
            r"\bliving\s+on\s+(?:nothing\s+but\s+)?(?:black\s+)?(?:coffee|tea|water|crisps|toast|air|cigarettes|energy\s+drinks)\b",
        ),
        // --- Bullying and harassment (at work, online).
        cue(
            ABUSE_HARASSMENT,
            Watch,
            6,
            Any,
            r"\b(?:does|did|doing|mocks?|mocked|mimics?|mimicked|imitates?|imitated|puts\s+on)\s+my\s+(?:accent|voice|stammer|stutter|lisp)\b|\bharass(?:ed|ing|ment)\b|\bbull(?:ied|ying)\b|\b(?:sexual|inappropriate)\s+(?:comments|jokes|advances|messages)\b|\b(?:comment(?:s|ed|ing)?|remarks?|jokes?)\s+(?:on|about)\s+my\s+(?:body|figure|looks|appearance|legs|chest|bum|weight|skirt|clothes|outfit)\b|\b(?:told|tells|telling|asked)\s+me\s+(?:to\s+smile|I'?d\s+do\s+better\s+if\s+I)\b|\bif\s+I\s+(?:wore|dressed|smiled)\b[^.?!]{0,30}\b(?:more|skirts?|dresses|heels|prettier)\b",
        ),
    ]
});
